import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { TableRef } from '../../catalog/target.ts';
import type { GlueTable } from '../../mapping/glue-table.ts';
import { isOwnedBy } from '../../mapping/read-target-table.ts';
import { GLUE_BATCH_DELETE_SIZE } from './glue-catalog-api.ts';
import type { GlueCatalogApi } from './glue-catalog-api.ts';

export interface GlueTableVersionsOptions {
  job: string;
  /** Versions of each table kept after a write (config `target.keepVersions`). */
  keepVersions: number;
  /**
   * Where the definition of each table this job deletes is kept (`<dir>/<database>/<table>/<version>.json`):
   * BatchDeleteTable takes a table's versions with it, and rollback recreates a deleted table from here.
   */
  deletedArchiveDir?: string;
}

const DECIMAL = /^\d{1,15}$/;

/**
 * The version ids to delete after a write produced `produced`, keeping the newest `keep` versions: those up to
 * produced − keep that the previous prune has not already deleted. The previous prune ran after our last write,
 * which produced `expected` (the checkpoint's version), and deleted up to expected − keep; writes by others since
 * then are in the window too. Blind deletes (no GetTableVersions, which would move every kept version's whole
 * definition) of at most 100 ids; ids that do not exist come back as per-version errors and are ignored.
 */
export function versionsToPrune(expected: string | undefined, produced: string | undefined, keep: number): string[] {
  if (produced === undefined || !DECIMAL.test(produced)) return [];
  const last = Number(produced) - keep;
  if (last < 0) return [];
  const first = expected !== undefined && DECIMAL.test(expected) && Number(expected) < Number(produced) ? Math.max(0, Number(expected) - keep + 1) : last;
  const from = Math.max(first, last - GLUE_BATCH_DELETE_SIZE + 1);
  const ids: string[] = [];
  for (let v = from; v <= last; v += 1) ids.push(String(v));
  return ids;
}

/** Table versions on Glue: pruning after writes, the archive of deleted tables, and reading a version back. */
export class GlueTableVersions {
  readonly #api: GlueCatalogApi;
  readonly #options: GlueTableVersionsOptions;

  constructor(api: GlueCatalogApi, options: GlueTableVersionsOptions) {
    this.#api = api;
    this.#options = options;
  }

  /** Deletes the versions beyond keepVersions; returns warnings (a failed prune never fails the write). */
  async prune(ref: TableRef, expected: string | undefined, produced: string | undefined): Promise<string[]> {
    const ids = versionsToPrune(expected, produced, this.#options.keepVersions);
    if (ids.length === 0) return [];
    try {
      const errors = await this.#api.batchDeleteTableVersion(ref, ids);
      const real = errors.filter((e) => e.code !== 'EntityNotFoundException');
      return real.length === 0 ? [] : [`${ref.database}.${ref.table}: could not delete ${real.length} old table version(s): ${real[0]!.code} ${real[0]!.message}`];
    } catch (error) {
      return [`${ref.database}.${ref.table}: could not delete old table versions: ${(error as Error).message}`];
    }
  }

  /** Keeps the definitions of the owned tables about to be deleted, as rollback's only copy of them. */
  async archiveDeleted(tables: readonly GlueTable[]): Promise<void> {
    const dir = this.#options.deletedArchiveDir;
    if (dir === undefined) return;
    for (const table of tables) {
      if (!isOwnedBy(table, this.#options.job)) continue;
      const file = this.#archivePath({ database: table.DatabaseName, table: table.Name }, table.VersionId ?? 'unversioned');
      await mkdir(path.dirname(file), { recursive: true });
      const temp = `${file}.${randomUUID()}.tmp`;
      await writeFile(temp, `${JSON.stringify(table, null, 2)}\n`, 'utf8');
      await rename(temp, file);
    }
  }

  /** The table at `version`: Glue's archived version, else the definition kept when this job deleted the table. */
  async read(ref: TableRef, version: string): Promise<GlueTable | undefined> {
    const kept = await this.#api.getTableVersion(ref, version);
    if (kept) return kept;
    if (this.#options.deletedArchiveDir === undefined) return undefined;
    try {
      const json: unknown = JSON.parse(await readFile(this.#archivePath(ref, version), 'utf8'));
      if (typeof json !== 'object' || json === null || Array.isArray(json) || typeof (json as { Name?: unknown }).Name !== 'string') return undefined;
      return { ...(json as GlueTable), DatabaseName: ref.database };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  #archivePath(ref: TableRef, version: string): string {
    // Glue names are [a-z0-9_] here (enforce-glue-limits) and versions decimal: safe as path parts.
    const safe = (part: string) => part.replace(/[^A-Za-z0-9_.-]/g, '_');
    return path.join(this.#options.deletedArchiveDir!, safe(ref.database), safe(ref.table), `${safe(version)}.json`);
  }
}
