import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Writes a CSN export with `count` small tables in each named space (`@DataWarehouse.space.name`), one file per
 * space, so one csn-files source serves several spaces — what daemon jobs on different spaces need.
 */
export async function writeSpacesExport(dir: string, spaces: Record<string, number>): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const [space, count] of Object.entries(spaces)) {
    const definitions: Record<string, unknown> = {};
    for (let i = 0; i < count; i++) {
      definitions[`${space}_T_${String(i).padStart(4, '0')}`] = {
        kind: 'entity',
        '@DataWarehouse.space.name': space,
        '@EndUserText.label': `${space} table ${i}`,
        '@ObjectModel.modelingPattern': { '#': 'DATA_STRUCTURE' },
        elements: {
          ID: { type: 'cds.Integer64', key: true, notNull: true, '@EndUserText.label': 'ID' },
          NAME: { type: 'cds.String', length: 100, '@EndUserText.label': 'Name' },
        },
      };
    }
    await writeFile(path.join(dir, `${space}_export.json`), JSON.stringify({ definitions, version: { csn: '1.0' } }));
  }
}
