import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetDatabaseCommand, GetTableCommand, UpdateTableCommand } from '@aws-sdk/client-glue';
import type { TableInput } from '@aws-sdk/client-glue';
import { afterEach, describe, expect, it } from 'vitest';
import { formatPlan } from '../../src/cli/format-plan.ts';
import { configSchema } from '../../src/config/config-schema.ts';
import { CsnFilesSource } from '../../src/connectors/csn-files/csn-files-source.ts';
import { silentLogger } from '../../src/engine/engine-logger.ts';
import { runSync } from '../../src/engine/run-sync.ts';
import type { SyncOptions, SyncOutcome } from '../../src/engine/run-sync.ts';
import type { GlueTable } from '../../src/mapping/glue-table.ts';
import { loadMapping } from '../../src/mapping/load-mapping.ts';
import { StorageRulesSource } from '../../src/mapping/storage-rules-source.ts';
import type { StorageRule } from '../../src/mapping/storage-rules.ts';
import { toTableInput } from '../../src/mapping/to-table-input.ts';
import { openCheckpointStore } from '../../src/state/file-checkpoint-store.ts';
import { CORPUS_CSN, motoEndpoint, otherTool, scenarioSyncOptions, testGlueTarget, uniquePrefix } from '../setup/glue-test-support.ts';

const JOB = 'lake';

/** `storage.rules` as a config file holds them, through the config schema (so its defaults apply). */
function rules(raw: unknown[]): StorageRule[] {
  return configSchema.parse({
    job: { name: JOB },
    source: { type: 'csn-files', path: '.', space: 'SALES' },
    target: { type: 'file', path: '.' },
    storage: { rules: raw },
  }).storage.rules;
}

/** Two definitions of space SALES (SalesOrders, Addresses) synced into moto, with the storage rules given per run. */
async function scenario(label: string) {
  const endpoint = motoEndpoint();
  const mapping = await loadMapping();
  const prefix = uniquePrefix(label);
  const database = `${prefix}sales`;
  const dir = await mkdtemp(path.join(tmpdir(), `glue-storage-${label}-`));
  const corpus = path.join(dir, 'csn');
  await mkdir(corpus);
  for (const file of ['SalesOrders.json', 'Addresses_Location.json']) await cp(path.join(CORPUS_CSN, file), path.join(corpus, file));
  const other = otherTool(endpoint);
  return {
    database,
    other,
    async run(storage: StorageRule[], overrides: Partial<SyncOptions> = {}, databaseLocationUri?: string): Promise<SyncOutcome> {
      const options = scenarioSyncOptions(JOB, 2, overrides);
      const target = testGlueTarget({ endpoint, mapping, databasePrefix: prefix, job: JOB, maxConcurrency: 2, ...(databaseLocationUri !== undefined ? { databaseLocationUri } : {}) });
      const inner = new CsnFilesSource({ path: corpus, space: 'SALES' });
      try {
        return await runSync(options, {
          source: storage.length > 0 ? new StorageRulesSource(inner, storage) : inner,
          target,
          checkpoints: await openCheckpointStore({ dir: path.join(dir, 'checkpoints'), sourceSystem: 'datasphere', flushEvery: 25, backups: { keep: 3, maxAgeDays: 0 } }),
          logger: silentLogger,
        });
      } finally {
        await target.close();
      }
    },
    async table(name: string): Promise<GlueTable> {
      const out = await other.send(new GetTableCommand({ DatabaseName: database, Name: name }));
      return out.Table as unknown as GlueTable;
    },
    async editLabel(file: string, entity: string, label: string): Promise<void> {
      const full = path.join(corpus, file);
      const csn = JSON.parse(await readFile(full, 'utf8')) as { definitions: Record<string, Record<string, unknown>> };
      (csn.definitions[entity] as Record<string, unknown>)['@EndUserText.label'] = label;
      await writeFile(full, JSON.stringify(csn, null, 2));
    },
    async cleanup() {
      other.destroy();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

type Scenario = Awaited<ReturnType<typeof scenario>>;
let s: Scenario | undefined;
afterEach(async () => {
  await s?.cleanup();
  s = undefined;
});

const LOCATION = 's3://lake/datasphere/{space}/{technicalName}/';
const TEXT_IN = 'org.apache.hadoop.mapred.TextInputFormat';
const TEXT_OUT = 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat';

/**
 * What Athena's CREATE EXTERNAL TABLE ... writes into the Glue catalog for each format (STORED AS PARQUET / ORC /
 * AVRO; ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'; ROW FORMAT DELIMITED FIELDS TERMINATED BY ',';
 * ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.OpenCSVSerde' with TBLPROPERTIES skip.header.line.count),
 * spelled out here rather than read from mappings/storage-formats.json, so a wrong entry there fails.
 */
const FORMATS = [
  {
    rule: { format: 'parquet' },
    serde: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
    input: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
    output: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
    serdeParameters: { 'serialization.format': '1' },
    classification: 'parquet',
  },
  {
    rule: { format: 'orc' },
    serde: 'org.apache.hadoop.hive.ql.io.orc.OrcSerde',
    input: 'org.apache.hadoop.hive.ql.io.orc.OrcInputFormat',
    output: 'org.apache.hadoop.hive.ql.io.orc.OrcOutputFormat',
    serdeParameters: { 'serialization.format': '1' },
    classification: 'orc',
  },
  {
    rule: { format: 'avro' },
    serde: 'org.apache.hadoop.hive.serde2.avro.AvroSerDe',
    input: 'org.apache.hadoop.hive.ql.io.avro.AvroContainerInputFormat',
    output: 'org.apache.hadoop.hive.ql.io.avro.AvroContainerOutputFormat',
    serdeParameters: { 'serialization.format': '1' },
    classification: 'avro',
  },
  {
    rule: { format: 'json' },
    serde: 'org.openx.data.jsonserde.JsonSerDe',
    input: TEXT_IN,
    output: TEXT_OUT,
    serdeParameters: { 'serialization.format': '1' },
    classification: 'json',
  },
  {
    rule: { format: 'csv', csv: { delimiter: ';' } },
    serde: 'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe',
    input: TEXT_IN,
    output: TEXT_OUT,
    serdeParameters: { 'field.delim': ';', 'serialization.format': ';' },
    classification: 'csv',
  },
  {
    rule: { format: 'csv', csv: { quote: '"', header: true } },
    serde: 'org.apache.hadoop.hive.serde2.OpenCSVSerde',
    input: TEXT_IN,
    output: TEXT_OUT,
    serdeParameters: { escapeChar: '\\', quoteChar: '"', separatorChar: ',' },
    classification: 'csv',
    header: true,
  },
] as const;

describe('storage rules against moto', () => {
  it.each(FORMATS)('$rule.format $serde: the table Athena would create', async (f) => {
    s = await scenario(`fmt_${f.rule.format}`);
    const outcome = await s.run(rules([{ match: { space: 'SALES', name: 'SalesOrders' }, location: LOCATION, ...f.rule }]));
    expect(outcome.summary.status).toBe('ok');
    const table = await s.table('salesorders');
    const sd = table.StorageDescriptor;
    expect(sd?.Location).toBe('s3://lake/datasphere/SALES/SalesOrders/');
    expect(sd?.SerdeInfo?.SerializationLibrary).toBe(f.serde);
    expect(sd?.InputFormat).toBe(f.input);
    expect(sd?.OutputFormat).toBe(f.output);
    expect(sd?.SerdeInfo?.Parameters).toEqual(f.serdeParameters);
    expect(table.Parameters?.['classification']).toBe(f.classification);
    expect(table.Parameters?.['EXTERNAL']).toBe('TRUE');
    expect(table.Parameters?.['skip.header.line.count']).toBe('header' in f ? '1' : undefined);
    expect(table.TableType).toBe('EXTERNAL_TABLE');
    expect(sd?.Columns?.map((c) => c.Name)).toContain('salesorderid');
    // The rule matched one asset; the other keeps no storage of ours.
    expect((await s.table('addresses_location')).StorageDescriptor?.Location).toBeUndefined();
  });

  it('a changed rule moves the Location and nothing else; plan shows the move first', async () => {
    s = await scenario('move');
    const first = rules([{ match: { name: 'SalesOrders' }, location: LOCATION, format: 'parquet' }]);
    expect((await s.run(first)).summary.status).toBe('ok');
    const before = await s.table('salesorders');
    const other = await s.table('addresses_location');

    const moved = rules([{ match: { name: 'SalesOrders' }, location: 's3://lake-v2/{space}/{technicalName}/', format: 'parquet' }]);
    const planned = await s.run(moved, { dryRun: true });
    const action = planned.summary.actions.find((a) => a.assetId === 'SALES/SalesOrders');
    expect(action?.diff).toEqual([
      { path: 'storage location', kind: 'changed', before: '"s3://lake/datasphere/SALES/SalesOrders/"', after: '"s3://lake-v2/SALES/SalesOrders/"' },
    ]);
    expect(planned.summary.actions.filter((a) => a.diff !== undefined && a.diff.length > 0)).toHaveLength(1);
    expect(formatPlan(planned.summary)).toContain('s3://lake-v2/SALES/SalesOrders/');

    const applied = await s.run(moved);
    expect(applied.summary.status).toBe('ok');
    const after = await s.table('salesorders');
    expect(after.StorageDescriptor?.Location).toBe('s3://lake-v2/SALES/SalesOrders/');
    const strip = (t: GlueTable) => {
      const input = toTableInput(t);
      const params = Object.fromEntries(Object.entries(input.Parameters ?? {}).filter(([k]) => !k.startsWith('catalog_sync.')));
      return { ...input, Parameters: params, StorageDescriptor: { ...input.StorageDescriptor, Location: undefined } };
    };
    expect(strip(after)).toEqual(strip(before));
    // The asset the rule does not match was neither written nor changed.
    expect((await s.table('addresses_location')).VersionId).toBe(other.VersionId);
    // Unchanged rules: nothing to do.
    const again = await s.run(moved);
    expect(again.summary.actions.map((a) => `${a.assetId} ${a.action}`)).toEqual([]);
  });

  it('a table no rule applies to keeps the Location and SerDe someone else set, through a write of ours', async () => {
    s = await scenario('theirs');
    const only = rules([{ match: { name: 'SalesOrders' }, location: LOCATION, format: 'parquet' }]);
    await s.run(only);
    const theirs = {
      Location: 's3://their-bucket/addresses/',
      InputFormat: 'org.apache.hadoop.hive.ql.io.orc.OrcInputFormat',
      OutputFormat: 'org.apache.hadoop.hive.ql.io.orc.OrcOutputFormat',
      SerdeInfo: { SerializationLibrary: 'org.apache.hadoop.hive.ql.io.orc.OrcSerde' },
    };
    const current = toTableInput(await s.table('addresses_location'));
    const tampered = { ...current, StorageDescriptor: { ...current.StorageDescriptor, ...theirs }, Parameters: { ...current.Parameters, classification: 'orc' } };
    await s.other.send(new UpdateTableCommand({ DatabaseName: s.database, TableInput: tampered as TableInput }));

    await s.editLabel('Addresses_Location.json', 'Addresses_Location', 'Addresses, relabelled');
    // A refresh reads the table before writing it. (An incremental run writes a table it left self-contained without
    // reading it, conditional on its VersionId; Glue refuses that write once someone else has written the table,
    // moto does not, so on moto the other tool's edit has to be seen by reading.)
    const outcome = await s.run(only, { refresh: true });
    expect(outcome.summary.actions.find((a) => a.assetId === 'SALES/Addresses_Location')).toMatchObject({ action: 'update', outcome: 'done' });
    const table = await s.table('addresses_location');
    expect(table.Description).toBe('Addresses, relabelled');
    expect(table.StorageDescriptor).toMatchObject(theirs);
    expect(table.Parameters?.['classification']).toBe('orc');
  });

  it('partition keys: a declared key named like a column moves out of the columns, another is added as string', async () => {
    s = await scenario('parts');
    const partitioned = rules([
      { match: { name: 'SalesOrders' }, location: LOCATION, format: 'parquet', partitionKeys: [{ name: 'FISCALYEARPERIOD' }, { name: 'load_date' }] },
    ]);
    expect((await s.run(partitioned)).summary.status).toBe('ok');
    const table = await s.table('salesorders');
    expect(table.PartitionKeys?.map((k) => [k.Name, k.Type])).toEqual([
      ['fiscalyearperiod', expect.any(String)],
      ['load_date', 'string'],
    ]);
    expect(table.StorageDescriptor?.Columns?.map((c) => c.Name)).not.toContain('fiscalyearperiod');
  });

  it('storage.databaseLocation gives the database it creates a LocationUri', async () => {
    s = await scenario('dbloc');
    const only = rules([{ match: { name: 'SalesOrders' }, location: LOCATION, format: 'parquet' }]);
    await s.run(only, {}, 's3://lake/datasphere/{space}/');
    const db = await s.other.send(new GetDatabaseCommand({ Name: s.database }));
    expect(db.Database?.LocationUri).toBe('s3://lake/datasphere/SALES/');
  });
});
