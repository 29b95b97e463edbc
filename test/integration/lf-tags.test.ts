import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetTableCommand } from '@aws-sdk/client-glue';
import {
  AddLFTagsToResourceCommand,
  CreateLFTagCommand,
  GetLFTagCommand,
  GetResourceLFTagsCommand,
  LakeFormationClient,
} from '@aws-sdk/client-lakeformation';
import type { Resource } from '@aws-sdk/client-lakeformation';
import { afterEach, describe, expect, it } from 'vitest';
import { formatPlan } from '../../src/cli/format-plan.ts';
import { CsnFilesSource } from '../../src/connectors/csn-files/csn-files-source.ts';
import { LF_TAGS_PARAMETER } from '../../src/connectors/glue/lf-tags-record.ts';
import { GuardError } from '../../src/engine/engine-errors.ts';
import { silentLogger } from '../../src/engine/engine-logger.ts';
import { runSync } from '../../src/engine/run-sync.ts';
import type { SyncOptions, SyncOutcome } from '../../src/engine/run-sync.ts';
import type { LfTagMapping } from '../../src/mapping/lf-tags.ts';
import { LfTagsSource } from '../../src/mapping/lf-tags-source.ts';
import { loadMapping } from '../../src/mapping/load-mapping.ts';
import { openCheckpointStore } from '../../src/state/file-checkpoint-store.ts';
import { CORPUS_CSN, motoEndpoint, otherTool, scenarioSyncOptions, testGlueTarget, uniquePrefix } from '../setup/glue-test-support.ts';

/*
 * LF-Tags against moto 5.2.1 through the real SDK. Two things moto does differently from Lake Formation, and how
 * these tests live with them:
 * - AddLFTagsToResource replaces a resource's whole tag list (Lake Formation adds to it). "Someone else" tagging a
 *   resource here therefore sends the tags it found there with its own, which is what Lake Formation would leave.
 *   That the target sends only this job's keys is proven on the wire in test/connectors/glue/lf-tags-calls.test.ts.
 * - GetResourceLFTags on a table or database that was never tagged fails (HTTP 500); the target reads only the
 *   levels it tagged before, which also spares Lake Formation the calls.
 */

const JOB = 'governed';
const LF_OPERATIONS = ['GetResourceLFTags', 'GetLFTag', 'CreateLFTag', 'UpdateLFTag', 'AddLFTagsToResource', 'RemoveLFTagsFromResource'];

type Csn = { definitions: Record<string, { elements: Record<string, Record<string, unknown>> } & Record<string, unknown>> };

/** Space SALES from one export file (SalesOrders_View and the four definitions it brings along) synced into moto. */
async function scenario(label: string) {
  const endpoint = motoEndpoint();
  const glueMapping = await loadMapping();
  const prefix = uniquePrefix(label);
  const database = `${prefix}sales`;
  const dir = await mkdtemp(path.join(tmpdir(), `lf-tags-${label}-`));
  const corpus = path.join(dir, 'csn');
  await mkdir(corpus);
  const file = path.join(corpus, 'SalesOrders_View.json');
  await cp(path.join(CORPUS_CSN, 'SalesOrders_View.json'), file);
  const glue = otherTool(endpoint);
  const lf = new LakeFormationClient({ region: 'us-east-1', endpoint, maxAttempts: 1 });
  /** LF-Tag keys of this test alone: moto's LF-Tags are account-wide, shared by every test file. */
  const key = (name: string) => `${prefix}${name}`;
  const tableResource = (table: string): Resource => ({ Table: { DatabaseName: database, Name: table } });
  const columnResource = (table: string, column: string): Resource => ({ TableWithColumns: { DatabaseName: database, Name: table, ColumnNames: [column] } });
  const pairs = (list: Array<{ TagKey?: string; TagValues?: string[] }> | undefined) =>
    Object.fromEntries((list ?? []).map((p) => [p.TagKey as string, (p.TagValues ?? []).join('|')]));

  return {
    database,
    key,
    async run(mapping: LfTagMapping | undefined, overrides: Partial<SyncOptions> = {}): Promise<SyncOutcome> {
      const options = scenarioSyncOptions(JOB, 2, overrides);
      const target = testGlueTarget({ endpoint, mapping: glueMapping, databasePrefix: prefix, job: JOB, maxConcurrency: 2, ...(mapping ? { lfTags: {} } : {}) });
      const inner = new CsnFilesSource({ path: corpus, space: 'SALES' });
      try {
        return await runSync(options, {
          source: mapping ? new LfTagsSource(inner, mapping) : inner,
          target,
          checkpoints: await openCheckpointStore({ dir: path.join(dir, 'checkpoints'), sourceSystem: 'datasphere', flushEvery: 25, backups: { keep: 3, maxAgeDays: 0 } }),
          logger: silentLogger,
        });
      } finally {
        await target.close();
      }
    },
    /** The default mapping of the config, under this test's keys, with `extra` per level. */
    mapping(extra: Partial<LfTagMapping> = {}): LfTagMapping {
      return {
        database: { [key('space')]: 'space', ...extra.database },
        table: { [key('pattern')]: 'modelingPattern', ...extra.table },
        column: { [key('role')]: 'role', ...extra.column },
      };
    },
    /** Edits one element (or, without `element`, the entity) of the SalesOrders_View export file. */
    async edit(entity: string, element: string | undefined, change: (node: Record<string, unknown>) => void): Promise<void> {
      const csn = JSON.parse(await readFile(file, 'utf8')) as Csn;
      const definition = csn.definitions[entity]!;
      change(element === undefined ? definition : definition.elements[element]!);
      await writeFile(file, JSON.stringify(csn, null, 2));
    },
    async databaseTags(): Promise<Record<string, string>> {
      return pairs((await lf.send(new GetResourceLFTagsCommand({ Resource: { Database: { Name: database } } }))).LFTagOnDatabase);
    },
    async tableTags(table: string): Promise<Record<string, string>> {
      return pairs((await lf.send(new GetResourceLFTagsCommand({ Resource: tableResource(table) }))).LFTagsOnTable);
    },
    async columnTags(table: string, column: string): Promise<Record<string, string>> {
      const out = await lf.send(new GetResourceLFTagsCommand({ Resource: columnResource(table, column) }));
      return pairs(out.LFTagsOnColumns?.[0]?.LFTags);
    },
    async tagValues(name: string): Promise<string[]> {
      return [...((await lf.send(new GetLFTagCommand({ TagKey: name }))).TagValues ?? [])].sort();
    },
    /** Another tool defines an LF-Tag. */
    async createTag(name: string, values: string[]): Promise<void> {
      await lf.send(new CreateLFTagCommand({ TagKey: name, TagValues: values }));
    },
    /** Another tool assigns one of its tags to a table or a column (see the note on moto above). */
    async tagAsOther(resource: { table: string; column?: string }, name: string, value: string): Promise<void> {
      const found = resource.column === undefined ? await this.tableTags(resource.table) : await this.columnTags(resource.table, resource.column);
      const LFTags = [...Object.entries(found), [name, value]].map(([TagKey, v]) => ({ TagKey, TagValues: [v as string] }));
      const Resource = resource.column === undefined ? tableResource(resource.table) : columnResource(resource.table, resource.column);
      const out = await lf.send(new AddLFTagsToResourceCommand({ Resource, LFTags }));
      expect(out.Failures ?? []).toEqual([]);
    },
    async tableParameters(table: string): Promise<Record<string, string>> {
      return (await glue.send(new GetTableCommand({ DatabaseName: database, Name: table }))).Table?.Parameters ?? {};
    },
    async cleanup() {
      glue.destroy();
      lf.destroy();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Lake Formation requests of a run, by operation (none at all is `{}`). */
function lfCalls(outcome: SyncOutcome): Record<string, number> {
  const byOperation = outcome.summary.traffic.target.byOperation;
  return Object.fromEntries(LF_OPERATIONS.filter((op) => byOperation[op] !== undefined).map((op) => [op, byOperation[op]!.requests]));
}

type Scenario = Awaited<ReturnType<typeof scenario>>;
let s: Scenario | undefined;
afterEach(async () => {
  await s?.cleanup();
  s = undefined;
});

describe('LF-Tags against moto', () => {
  it('creates the LF-Tags and tags database, tables and columns; an unchanged rerun, and a change the tags do not follow, make no LF call', async () => {
    s = await scenario('apply');
    const mapping = s.mapping();
    const first = await s.run(mapping);
    expect(first.summary.status).toBe('ok');
    expect(first.summary.tags).toMatchObject({ label: 'LF-Tags', tables: 5, removals: 0, failed: 0 });
    expect(first.summary.tags?.applied).toBe(first.summary.tags?.changes);
    expect(first.summary.tags?.definitions).toEqual([
      { key: s.key('pattern'), create: true, values: ['analytical_dimension', 'analytical_fact', 'data_structure'] },
      { key: s.key('role'), create: true, values: ['attribute', 'dimension', 'measure'] },
      { key: s.key('space'), create: true, values: ['sales'] },
    ]);
    // Nothing to read on a first sync; keys defined once each; columns wanting the same tags share a call.
    expect(first.summary.tags?.changes).toBe(75);
    expect(lfCalls(first)).toEqual({ GetLFTag: 3, CreateLFTag: 3, AddLFTagsToResource: 13 });

    expect(await s.tagValues(s.key('role'))).toEqual(['attribute', 'dimension', 'measure']);
    expect(await s.databaseTags()).toEqual({ [s.key('space')]: 'sales' });
    expect(await s.tableTags('salesorders_view')).toEqual({ [s.key('pattern')]: 'analytical_fact' });
    expect(await s.tableTags('addresses_location')).toEqual({ [s.key('pattern')]: 'analytical_dimension' });
    expect(await s.columnTags('salesorders_view', 'companyname')).toEqual({ [s.key('role')]: 'dimension' });
    expect(await s.columnTags('salesorders_view', 'grossamount')).toEqual({ [s.key('role')]: 'measure' });
    expect(await s.columnTags('salesorders_view', 'salesorderid')).toEqual({ [s.key('role')]: 'attribute' });
    // What the job manages on the table is recorded with it.
    expect(JSON.parse((await s.tableParameters('salesorders_view'))[LF_TAGS_PARAMETER] ?? '{}')).toMatchObject({
      keys: { database: [s.key('space')], table: [s.key('pattern')], column: [s.key('role')] },
    });

    const unchanged = await s.run(mapping);
    expect(unchanged.summary.status).toBe('ok');
    expect(unchanged.summary.changes.unchanged).toBe(5);
    expect(lfCalls(unchanged)).toEqual({});
    expect(unchanged.summary.traffic.target.requests).toBe(0);
    expect(unchanged.summary.tags).toMatchObject({ tables: 0, changes: 0 });

    // A new label rewrites the table; its tags are the same, and its last write applied them: nothing is read.
    await s.edit('SalesOrders_View', undefined, (node) => (node['@EndUserText.label'] = 'Sales orders (relabelled)'));
    const relabelled = await s.run(mapping);
    expect(relabelled.summary.applied.updated).toBe(1);
    expect(lfCalls(relabelled)).toEqual({});
  });

  it('a column turning from dimension to measure is re-tagged, after plan showed it; a new value of an existing tag is added with UpdateLFTag', async () => {
    s = await scenario('retag');
    // Someone else defined the pattern tag already, with one value of their own.
    await s.createTag(s.key('pattern'), ['data_structure', 'theirs']);
    const mapping = s.mapping();
    const first = await s.run(mapping);
    expect(first.summary.status).toBe('ok');
    expect(first.summary.tags?.definitions).toContainEqual({ key: s.key('pattern'), create: false, values: ['analytical_dimension', 'analytical_fact'] });
    expect(lfCalls(first)).toMatchObject({ UpdateLFTag: 1, CreateLFTag: 2 });
    expect(await s.tagValues(s.key('pattern'))).toEqual(['analytical_dimension', 'analytical_fact', 'data_structure', 'theirs']);

    await s.edit('SalesOrders_View', 'COMPANYNAME', (node) => {
      delete node['@ObjectModel.foreignKey.association'];
      node['@Aggregation.default'] = { '#': 'SUM' };
    });
    const planned = await s.run(mapping, { planOnly: true });
    const action = planned.summary.actions.find((a) => a.assetId === 'SALES/SalesOrders_View');
    expect(action?.tags).toEqual([{ resource: 'column', name: 'companyname', key: s.key('role'), kind: 'changed', before: 'dimension', after: 'measure' }]);
    expect(planned.summary.tags).toMatchObject({ changes: 1, removals: 0, applied: 0, definitions: [] });
    const text = formatPlan(planned.summary);
    expect(text).toContain('LF-Tags: 1 change');
    expect(text).toContain(`~ column companyname ${s.key('role')}: dimension → measure`);
    expect(await s.columnTags('salesorders_view', 'companyname')).toEqual({ [s.key('role')]: 'dimension' });

    const applied = await s.run(mapping);
    expect(applied.summary.status).toBe('ok');
    expect(applied.summary.tags).toMatchObject({ changes: 1, applied: 1 });
    expect(lfCalls(applied)).toMatchObject({ AddLFTagsToResource: 1 });
    expect(lfCalls(applied)['RemoveLFTagsFromResource']).toBeUndefined();
    expect(await s.columnTags('salesorders_view', 'companyname')).toEqual({ [s.key('role')]: 'measure' });
    expect(await s.columnTags('salesorders_view', 'grossamount')).toEqual({ [s.key('role')]: 'measure' });
  });

  it("tags come off where the mapping stops applying and where a key leaves the config; others' tags on the same table and column stay", async () => {
    s = await scenario('remove');
    await s.edit('SalesOrders_View', 'GROSSAMOUNT', (node) => (node['@Semantics.amount.currencyCode'] = { '=': 'CURRENCY' }));
    const before = s.mapping({ table: { [s.key('kind')]: 'kind' }, column: { [s.key('sem')]: 'semantics' } });
    expect((await s.run(before)).summary.status).toBe('ok');
    expect(await s.tableTags('salesorders')).toEqual({ [s.key('pattern')]: 'data_structure', [s.key('kind')]: 'table' });
    expect(await s.columnTags('salesorders_view', 'grossamount')).toEqual({ [s.key('role')]: 'measure', [s.key('sem')]: 'amount' });

    await s.createTag(s.key('team'), ['finance']);
    await s.tagAsOther({ table: 'salesorders_view' }, s.key('team'), 'finance');
    await s.tagAsOther({ table: 'salesorders_view', column: 'grossamount' }, s.key('team'), 'finance');

    // The source loses the pattern of one view and the semantics of one column; the config drops the kind key.
    await s.edit('SalesOrders_View', undefined, (node) => delete node['@ObjectModel.modelingPattern']);
    await s.edit('SalesOrders_View', 'GROSSAMOUNT', (node) => delete node['@Semantics.amount.currencyCode']);
    const after = s.mapping({ column: { [s.key('sem')]: 'semantics' } });
    const planned = await s.run(after, { planOnly: true });
    const removed = planned.summary.actions.flatMap((a) => (a.tags ?? []).filter((t) => t.kind === 'removed').map((t) => `${a.table} ${t.resource} ${t.name} ${t.key}`));
    expect(removed.sort()).toEqual(
      [
        ...['addresses_location', 'addresses_view_geo', 'businesspartners', 'salesorders', 'salesorders_view'].map((t) => `${s!.database}.${t} table ${t} ${s!.key('kind')}`),
        `${s.database}.salesorders_view table salesorders_view ${s.key('pattern')}`,
        `${s.database}.salesorders_view column grossamount ${s.key('sem')}`,
      ].sort(),
    );
    expect(planned.summary.tags?.removals).toBe(7);
    expect(formatPlan(planned.summary)).toContain(`- column grossamount ${s.key('sem')}: amount`);

    const applied = await s.run(after);
    expect(applied.summary.status).toBe('ok');
    expect(applied.summary.tags).toMatchObject({ removals: 7, applied: 7 });
    expect(await s.tableTags('salesorders_view')).toEqual({ [s.key('team')]: 'finance' });
    expect(await s.columnTags('salesorders_view', 'grossamount')).toEqual({ [s.key('role')]: 'measure', [s.key('team')]: 'finance' });
    expect(await s.tableTags('salesorders')).toEqual({ [s.key('pattern')]: 'data_structure' });
    expect(await s.databaseTags()).toEqual({ [s.key('space')]: 'sales' });
  });

  it('deletion.maxCount counts tag removals: over it, the run stops before any change (plan says it would); --force goes ahead', async () => {
    s = await scenario('guard');
    const withKind = s.mapping({ table: { [s.key('kind')]: 'kind' } });
    expect((await s.run(withKind)).summary.status).toBe('ok');
    const parameters = await s.tableParameters('salesorders');

    const without = s.mapping();
    const limits = { deletion: { policy: 'delete' as const, maxCount: 3, maxPercent: 25 } };
    const planned = await s.run(without, { ...limits, planOnly: true });
    expect(planned.summary.guard).toMatchObject({ code: 'GUARD_STOPPED', wouldStop: true, details: { deletions: 0, tagRemovals: 5, maxCount: 3 } });
    expect(planned.summary.guard?.message).toMatch(/0 tables and 5 tag removals, more than deletion\.maxCount \(3\)/);

    const stopped = await s.run(without, limits);
    expect(stopped.stoppedBy).toBeInstanceOf(GuardError);
    expect(stopped.summary.status).toBe('guard-stopped');
    expect(lfCalls(stopped)['RemoveLFTagsFromResource']).toBeUndefined();
    expect(await s.tableTags('salesorders')).toEqual({ [s.key('pattern')]: 'data_structure', [s.key('kind')]: 'table' });
    expect(await s.tableParameters('salesorders')).toEqual(parameters);

    const forced = await s.run(without, { ...limits, force: true });
    expect(forced.summary.status).toBe('ok');
    expect(forced.summary.tags).toMatchObject({ removals: 5, applied: 5 });
    expect(await s.tableTags('salesorders')).toEqual({ [s.key('pattern')]: 'data_structure' });
  });

  it('a tag value changed behind our back stays until sync --full, which reads every table it writes and puts it back', async () => {
    s = await scenario('full');
    const mapping = s.mapping();
    expect((await s.run(mapping)).summary.status).toBe('ok');
    await s.tagAsOther({ table: 'salesorders_view', column: 'grossamount' }, s.key('role'), 'dimension');

    const incremental = await s.run(mapping);
    expect(lfCalls(incremental)).toEqual({});
    expect(await s.columnTags('salesorders_view', 'grossamount')).toEqual({ [s.key('role')]: 'dimension' });

    const full = await s.run(mapping, { mode: 'full' });
    expect(full.summary.status).toBe('ok');
    expect(full.summary.actions.find((a) => a.assetId === 'SALES/SalesOrders_View')?.tags).toEqual([
      { resource: 'column', name: 'grossamount', key: s.key('role'), kind: 'changed', before: 'dimension', after: 'measure' },
    ]);
    expect(full.summary.tags).toMatchObject({ changes: 1, applied: 1 });
    expect(await s.columnTags('salesorders_view', 'grossamount')).toEqual({ [s.key('role')]: 'measure' });
  });

  it('off (the default): the target has no tagging, and a run makes no Lake Formation call', async () => {
    s = await scenario('off');
    const outcome = await s.run(undefined);
    expect(outcome.summary.status).toBe('ok');
    expect(outcome.summary.applied.created).toBe(5);
    expect(outcome.summary.tags).toBeUndefined();
    expect(lfCalls(outcome)).toEqual({});
    expect((await s.tableParameters('salesorders_view'))[LF_TAGS_PARAMETER]).toBeUndefined();
  });
});
