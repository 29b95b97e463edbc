import { defaultChangeOptions } from '../src/change/change-options.ts';
import { detectChanges } from '../src/change/detect-changes.ts';
import { changeOptionsKey, fingerprintAsset } from '../src/change/fingerprint.ts';
import { hashAsset } from '../src/change/hash-asset.ts';
import { generateCatalog } from './generate-catalog.ts';
const count = 100000;
const base = generateCatalog({ assets: count, spaces: 20, seed: 7 });
const key = changeOptionsKey(defaultChangeOptions);
const entries = base.map((a, i) => ({ fingerprint: fingerprintAsset(a, key), assetId: a.id, assetType: 'table', sourceSystem: 'datasphere', lastSyncAt: 'x', hashes: hashAsset(a, defaultChangeOptions), syncVersion: 1, target: { database: 'd', table: 't' + i }, customProperties: {} }));
const byId = new Map(entries.map((e) => [e.assetId, e]));
const bySpace = new Map<string, any[]>();
for (const a of base) (bySpace.get(a.space) ?? bySpace.set(a.space, []).get(a.space)!).push(a);
const extracts = [...bySpace].map(([space, list]) => ({ space, complete: true, items: list.map((asset) => ({ state: 'extracted' as const, asset })), failures: [], warnings: [] }));
const mode = process.argv[2] ?? 'warm';
const nm = extracts.map((e) => ({ ...e, items: e.items.map((i) => ({ state: 'not-modified' as const, assetId: i.asset.id })) }));
let bytes = 0; for (const a of base.slice(0, 1000)) bytes += JSON.stringify(a).length;
console.log('avg asset json', bytes / 1000);
for (let r = 0; r < 6; r++) {
  const t = performance.now();
  if (mode === 'fp') { for (const a of base) fingerprintAsset(a, key); }
  else await detectChanges({ extracts: mode === 'nm' ? nm : extracts, checkpoint: (id) => byId.get(id) as any, checkpointEntries: entries as any, options: defaultChangeOptions });
  const ms = performance.now() - t;
  console.log(mode, Math.round(ms), 'ms', Math.round(count / ms * 1000), '/s');
}
