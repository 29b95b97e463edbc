import type { CheckpointEntry } from '../catalog/checkpoint.ts';
import type { Facet } from '../catalog/hashes.ts';
import { canonicalJson } from './canonical-json.ts';

/** One entry present on both sides whose content differs. */
export interface ChangedEntry {
  assetId: string;
  /** The hash facets that moved (schema, content, metadata). */
  hashes: Facet[];
  /** Other top-level fields that differ, e.g. `target.version`, `syncVersion`, `lastSyncAt`. */
  fields: string[];
  before: CheckpointEntry;
  after: CheckpointEntry;
}

export interface CheckpointDiff {
  added: CheckpointEntry[];
  removed: CheckpointEntry[];
  changed: ChangedEntry[];
  unchanged: number;
}

const FACETS: readonly Facet[] = ['schema', 'content', 'metadata'];

/** The fields of two entries that differ, `target.*` spelt out; hashes are reported apart, by facet. */
function differingFields(a: CheckpointEntry, b: CheckpointEntry): string[] {
  const fields: string[] = [];
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of [...keys].sort()) {
    if (key === 'hashes') continue;
    const va = (a as unknown as Record<string, unknown>)[key];
    const vb = (b as unknown as Record<string, unknown>)[key];
    if (key === 'target' && va && vb) {
      const ta = va as Record<string, unknown>;
      const tb = vb as Record<string, unknown>;
      for (const sub of [...new Set([...Object.keys(ta), ...Object.keys(tb)])].sort()) {
        if (canonicalJson(ta[sub]) !== canonicalJson(tb[sub])) fields.push(`target.${sub}`);
      }
      continue;
    }
    if (canonicalJson(va) !== canonicalJson(vb)) fields.push(key);
  }
  return fields;
}

/**
 * What changed from checkpoint `a` to checkpoint `b` (`checkpoints diff`, and what `rebuild` would change): entries
 * added, removed, and changed — with the hash facets that moved and the other fields that differ. Pure.
 */
export function diffCheckpoints(a: readonly CheckpointEntry[], b: readonly CheckpointEntry[]): CheckpointDiff {
  const before = new Map(a.map((e) => [e.assetId, e]));
  const after = new Map(b.map((e) => [e.assetId, e]));
  const diff: CheckpointDiff = { added: [], removed: [], changed: [], unchanged: 0 };
  for (const [id, entry] of [...after].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) {
    const old = before.get(id);
    if (!old) {
      diff.added.push(entry);
      continue;
    }
    const hashes = FACETS.filter((f) => old.hashes[f] !== entry.hashes[f]);
    const fields = differingFields(old, entry);
    if (hashes.length === 0 && fields.length === 0) diff.unchanged += 1;
    else diff.changed.push({ assetId: id, hashes, fields, before: old, after: entry });
  }
  for (const [id, entry] of [...before].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) {
    if (!after.has(id)) diff.removed.push(entry);
  }
  return diff;
}
