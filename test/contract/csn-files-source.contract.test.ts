import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CsnFilesSource } from '../../src/connectors/csn-files/csn-files-source.ts';
import { exampleExport } from '../support/file-scenario.ts';
import { sourceContract } from './source-contract.ts';

sourceContract('csn-files', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'csn-contract-'));
  await cp(exampleExport, dir, { recursive: true });
  return {
    source: () => new CsnFilesSource({ path: dir, space: 'SALES' }),
    space: 'SALES',
    names: ['SalesOrders_View', 'SalesOrders', 'Addresses_View_GEO'],
    async change(name) {
      const file = path.join(dir, `${name}.json`);
      const csn = JSON.parse(await readFile(file, 'utf8')) as { definitions: Record<string, Record<string, unknown>> };
      (csn.definitions[name] as Record<string, unknown>)['@EndUserText.label'] = 'Changed by the contract';
      await writeFile(file, JSON.stringify(csn));
    },
    // An export file that is no longer JSON: its object fails (and, files being unknown now, the listing is incomplete).
    breakAsset: (name) => writeFile(path.join(dir, `${name}.json`), '{"definitions": '),
    breakListing: () => writeFile(path.join(dir, 'zz_unreadable.json'), 'not json'),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
});
