import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Writes a CSN export of `count` small local tables (one file per 100 tables), shaped like the corpus's
 * DATA_STRUCTURE tables, for tests that need more assets than the examples have.
 */
export async function writeSyntheticExport(dir: string, count: number): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (let start = 0; start < count; start += 100) {
    const definitions: Record<string, unknown> = {};
    for (let i = start; i < Math.min(start + 100, count); i++) {
      const name = `T_${String(i).padStart(5, '0')}`;
      definitions[name] = {
        kind: 'entity',
        '@EndUserText.label': `Table ${i}`,
        '@ObjectModel.modelingPattern': { '#': 'DATA_STRUCTURE' },
        elements: {
          ID: { type: 'cds.Integer64', key: true, notNull: true, '@EndUserText.label': 'ID' },
          NAME: { type: 'cds.String', length: 100, '@EndUserText.label': 'Name' },
          AMOUNT: { type: 'cds.Decimal', precision: 15, scale: 2, '@EndUserText.label': 'Amount' },
          CREATED_AT: { type: 'cds.Timestamp', '@EndUserText.label': 'Created at' },
        },
      };
    }
    await writeFile(path.join(dir, `batch_${start}.json`), JSON.stringify({ definitions, version: { csn: '1.0' } }));
  }
}
