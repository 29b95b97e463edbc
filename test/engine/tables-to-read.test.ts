import { describe, expect, it } from 'vitest';
import type { Asset } from '../../src/catalog/asset.ts';
import type { CheckpointEntry } from '../../src/catalog/checkpoint.ts';
import type { AssetChange, ChangeSet } from '../../src/change/change-set.ts';
import { databaseHints, tablesToRead } from '../../src/engine/tables-to-read.ts';
import { chooseTableReads } from '../../src/connectors/glue/choose-table-reads.ts';
import { makeAsset } from '../support/make-asset.ts';

const hashes = { content: 'c', schema: 's', metadata: 'm' };
const resolve = (a: Asset) => ({ database: `ds_${a.space.toLowerCase()}`, table: a.technicalName.toLowerCase() });

function entry(name: string, extra: Partial<CheckpointEntry['target']> & { tableBytes?: number; database?: string } = {}): CheckpointEntry {
  const { tableBytes, database, ...target } = { version: '1', ...extra };
  return {
    assetId: `SALES/${name}`,
    assetType: 'table',
    sourceSystem: 'datasphere',
    lastSyncAt: '2026-01-01T00:00:00.000Z',
    hashes,
    syncVersion: 1,
    target: { database: database ?? 'ds_sales', table: name.toLowerCase(), ...target },
    ...(tableBytes !== undefined ? { tableBytes } : {}),
    customProperties: {},
  };
}

function change(type: AssetChange['type'], name: string, previous?: CheckpointEntry): AssetChange {
  const asset = makeAsset({ technicalName: name });
  return {
    assetId: asset.id,
    space: 'SALES',
    type,
    facets: [],
    ...(type === 'DELETED' ? {} : { asset }),
    assetKind: 'table',
    hashes,
    ...(type === 'CREATED' ? {} : { previous: previous ?? entry(name) }),
  };
}

const set = (...changes: AssetChange[]): ChangeSet => ({ changes, failures: [], warnings: [], incompleteSpaces: [], emptySpaces: [] });
const names = (refs: { table: string }[]) => refs.map((r) => r.table);

describe('which tables an incremental run reads', () => {
  const changes = set(
    change('CREATED', 'New'),
    change('SCHEMA_CHANGED', 'Schema'),
    change('MODIFIED', 'Content'),
    change('METADATA_CHANGED', 'Labels'),
    change('UNCHANGED', 'Same'),
    change('DELETED', 'Gone'),
  );

  it('every change but UNCHANGED: what it will create, update, deprecate or delete', () => {
    expect(names(tablesToRead(changes, { mode: 'incremental', resolve, versioned: true, writeUnread: false }))).toEqual(['new', 'schema', 'content', 'labels', 'gone']);
  });

  it('nothing at all when nothing changed', () => {
    const same = set(change('UNCHANGED', 'A'), change('UNCHANGED', 'B'));
    expect(tablesToRead(same, { mode: 'incremental', resolve, versioned: true, writeUnread: false })).toEqual([]);
  });

  it('an unchanged asset whose entry lacks the version, where the target has versions: to record it', () => {
    const unversioned = set(change('UNCHANGED', 'A', entry('A', { version: undefined })), change('UNCHANGED', 'B'));
    delete unversioned.changes[0]?.previous?.target.version;
    expect(names(tablesToRead(unversioned, { mode: 'incremental', resolve, versioned: true, writeUnread: false }))).toEqual(['a']);
    expect(tablesToRead(unversioned, { mode: 'incremental', resolve, versioned: false, writeUnread: false })).toEqual([]);
  });

  it('every table in a --full run, which writes them all; each table once', () => {
    expect(tablesToRead(changes, { mode: 'full', resolve, versioned: true, writeUnread: false })).toHaveLength(6);
    const twice = set(change('MODIFIED', 'A'), change('METADATA_CHANGED', 'A'));
    expect(tablesToRead(twice, { mode: 'incremental', resolve, versioned: true, writeUnread: false })).toHaveLength(1);
  });

  it('not an update whose last write left the table holding only our build: the target sends it unread, conditional on that version', () => {
    const pure = (name: string) => entry(name, { selfContained: 'glue-build-1' });
    const updates = set(
      change('METADATA_CHANGED', 'Labels', pure('Labels')),
      change('MODIFIED', 'Content', pure('Content')),
      change('SCHEMA_CHANGED', 'Schema', pure('Schema')),
      change('METADATA_CHANGED', 'Theirs', entry('Theirs')), // their parts are in it: read and merge
      change('DELETED', 'Gone', pure('Gone')), // ownership is checked on a read before deleting
    );
    expect(names(tablesToRead(updates, { mode: 'incremental', resolve, versioned: true, writeUnread: true }))).toEqual(['theirs', 'gone']);
    // A plan, a dry-run, or a conflict policy that must see drift first: everything it writes is read.
    expect(tablesToRead(updates, { mode: 'incremental', resolve, versioned: true, writeUnread: false })).toHaveLength(5);
    // Without the version our last write produced, there is nothing to make the write conditional on.
    const versionless = set(change('METADATA_CHANGED', 'Labels', { ...pure('Labels'), target: { database: 'ds_sales', table: 'labels', selfContained: 'glue-build-1' } }));
    expect(names(tablesToRead(versionless, { mode: 'incremental', resolve, versioned: true, writeUnread: true }))).toEqual(['labels']);
  });

  it('a deleted asset is read where the checkpoint says it was written', () => {
    const moved = set(change('DELETED', 'Old', entry('Old', { database: 'ds_archive' })));
    expect(tablesToRead(moved, { mode: 'incremental', resolve, versioned: true, writeUnread: false })).toEqual([{ database: 'ds_archive', table: 'old' }]);
  });
});

describe('what the checkpoint tells the target about each database', () => {
  it('counts our tables per database and sums their recorded sizes, the unsized at the average of the sized', () => {
    const hints = databaseHints([entry('A', { tableBytes: 1000 }), entry('B', { tableBytes: 3000 }), entry('C'), entry('D', { database: 'ds_hr' })]);
    expect(hints.get('ds_sales')).toEqual({ tables: 3, bytes: 6000 });
    expect(hints.get('ds_hr')).toEqual({ tables: 1 });
  });
});

describe('which call reads them (Glue: bytes both ways, headers included)', () => {
  const model = { averageTableBytes: 4000, requestOverheadBytes: 1150, pageSize: 100 };

  it('single GetTables for a few tables of a large database', () => {
    const choice = chooseTableReads({ ...model, wanted: 10, tables: 10_000 });
    expect(choice.how).toBe('single');
    expect(choice.singleBytes).toBe(10 * (4000 + 1150 + 60));
    expect(choice.listBytes).toBe(10_000 * 4000 + 100 * (1150 + 120));
  });

  it('one listing once most of the database is wanted: about three quarters for tables of 4 KB', () => {
    expect(chooseTableReads({ ...model, wanted: 700, tables: 1000 }).how).toBe('single');
    expect(chooseTableReads({ ...model, wanted: 800, tables: 1000 }).how).toBe('list');
  });

  it('small tables tip it sooner: the request overhead weighs more', () => {
    expect(chooseTableReads({ ...model, averageTableBytes: 500, wanted: 300, tables: 1000 }).how).toBe('list');
  });

  it('a listing for a database known to be empty or new: one request answers for every table asked about', () => {
    expect(chooseTableReads({ ...model, wanted: 1, tables: 0 }).how).toBe('list');
  });
});
