import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { exampleExport } from './file-scenario.ts';
import { runCli } from './run-cli.ts';

export interface FiveRunScenario {
  dir: string;
  configFile: string;
  historyFile: string;
  cleanup(): Promise<void>;
}

async function editDefinition(dir: string, file: string, entity: string, edit: (e: any) => void): Promise<void> {
  const p = path.join(dir, 'export', file);
  const doc = JSON.parse(await readFile(p, 'utf8'));
  edit(doc.definitions[entity]);
  await writeFile(p, JSON.stringify(doc, null, 2));
}

/**
 * The bundled example export, synced five times through the real CLI into a file target — first sync, an unchanged
 * rerun, a label change (metadata-only), a business-name change and a new column (delta and full), a removed entity
 * (deletion) — with a dry-run between the second and third run, which the report must leave out.
 */
export async function createFiveRunScenario(): Promise<FiveRunScenario> {
  const dir = await mkdtemp(path.join(tmpdir(), 'catalog-sync-five-runs-'));
  await cp(exampleExport, path.join(dir, 'export'), { recursive: true });
  const configFile = path.join(dir, 'config.json');
  await writeFile(
    configFile,
    JSON.stringify({
      source: { type: 'csn-files', path: 'export', space: 'SALES' },
      target: { type: 'file', path: 'target' },
      checkpoints: { dir: 'checkpoints' },
      history: { file: 'history.jsonl', changeLog: 'changes.jsonl' },
      deletion: { maxPercent: 100 },
      logging: { level: 'silent' },
    }),
  );
  const sync = async (...extra: string[]) => {
    const { code, stderr } = await runCli(['sync', ...extra, '--config', configFile]);
    if (code !== 0) throw new Error(`sync ${extra.join(' ')} exited ${code}: ${stderr}`);
  };
  await sync();
  await sync();
  await sync('--dry-run');
  await editDefinition(dir, 'SalesOrders_Model.json', 'SalesOrders_Model', (e) => {
    e.elements.GROSSAMOUNT['@EndUserText.label'] = 'Gross Amount (EUR)';
  });
  await sync();
  await editDefinition(dir, 'SalesOrders_View.json', 'SalesOrders_View', (e) => {
    e['@EndUserText.label'] = 'Sales Orders (fact)';
  });
  await editDefinition(dir, 'SalesOrders.json', 'SalesOrders', (e) => {
    e.elements.DISCOUNT = { type: 'cds.Decimal', precision: 15, scale: 2, '@EndUserText.label': 'Discount' };
  });
  await sync();
  await rm(path.join(dir, 'export', 'Addresses_View_GEO.json'));
  // The object is also a dependency in other export files: dropped there too, so it really is gone.
  for (const file of await readdir(path.join(dir, 'export'))) {
    if (!file.endsWith('.json')) continue;
    const p = path.join(dir, 'export', file);
    const doc = JSON.parse(await readFile(p, 'utf8'));
    delete doc.definitions.Addresses_View_GEO;
    await writeFile(p, JSON.stringify(doc, null, 2));
  }
  await sync();
  return { dir, configFile, historyFile: path.join(dir, 'history.jsonl'), cleanup: () => rm(dir, { recursive: true, force: true }) };
}
