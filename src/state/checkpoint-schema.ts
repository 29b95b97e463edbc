import { z } from 'zod';

import type { CheckpointEntry } from '../catalog/checkpoint.ts';

/**
 * zod schemas of the checkpoint file. Every object is loose: a checkpoint written by a newer catalog-sync may carry
 * fields this version does not know, and they must survive a load/save cycle untouched. For the same reason the
 * asset type is any non-empty string rather than today's AssetKind list — a newer kind is not corruption.
 */

/**
 * Bumped only for changes an older reader would misread; additive fields keep the version. (`job` and `target`
 * were added within version 1: a reader that predates them carries them through as unknown fields.)
 */
export const CHECKPOINT_FORMAT_VERSION = 1;

const isoTime = z.iso.datetime({ offset: true });

/**
 * Keys are listed in canonical (code-unit) order on purpose: zod's output follows the shape's order, so a parsed
 * entry is usually canonical already and the store can adopt it without rebuilding (see canonical-json.ts).
 */
export const checkpointEntrySchema = z.looseObject({
  assetId: z.string().min(1),
  assetType: z.string().min(1),
  customProperties: z.record(z.string(), z.string()),
  definitionFormat: z.string().min(1).optional(),
  deprecatedAt: isoTime.optional(),
  fingerprint: z.string().min(1).optional(),
  fullWriteBytes: z.int().min(0).optional(),
  hashes: z.looseObject({
    content: z.string().min(1),
    metadata: z.string().min(1),
    schema: z.string().min(1),
  }),
  lastSyncAt: isoTime,
  sourceBytes: z.int().min(0).optional(),
  sourceSystem: z.string().min(1),
  syncVersion: z.int().min(0),
  tableBytes: z.int().min(0).optional(),
  target: z.looseObject({
    database: z.string().min(1),
    selfContained: z.string().min(1).optional(),
    table: z.string().min(1),
    version: z.string().optional(),
  }),
  validator: z.string().optional(),
});

/**
 * The top level of the file. `entries` is only checked to be an object here: its members are validated one by one
 * so that every problem can be reported with the asset it belongs to.
 */
export const checkpointHeaderSchema = z.looseObject({
  formatVersion: z.literal(CHECKPOINT_FORMAT_VERSION),
  sourceSystem: z.string().min(1),
  /** The job this checkpoint belongs to; absent in files written before it was recorded (adopted on first use). */
  job: z.string().min(1).optional(),
  /** The target's identity (Target.identity): `type` plus plain string fields; absent like `job`. */
  target: z
    .record(z.string(), z.string())
    .refine((identity) => typeof identity.type === 'string' && identity.type.length > 0, 'expected a "type"')
    .optional(),
  updatedAt: isoTime,
  checksum: z.string().regex(/^sha256:[0-9a-f]{64}$/, 'expected "sha256:" and 64 lowercase hex digits'),
  entries: z.custom<Record<string, unknown>>(
    (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
    'expected an object of entries keyed by assetId',
  ),
});

/** The top-level fields this version writes itself; anything else is carried through verbatim. */
export const KNOWN_HEADER_FIELDS: ReadonlySet<string> = new Set(Object.keys(checkpointHeaderSchema.shape));

export type ParsedEntry = CheckpointEntry & Record<string, unknown>;

/**
 * Validates one entry. The output is the caller's data with unknown fields kept; the cast narrows `assetType` to
 * AssetKind, which the engine treats as an open set anyway (an unknown kind simply maps to the fallback rules).
 */
export function parseEntry(
  value: unknown,
): { ok: true; entry: ParsedEntry } | { ok: false; issues: { path: string; message: string }[] } {
  const result = checkpointEntrySchema.safeParse(value);
  if (result.success) return { ok: true, entry: result.data as ParsedEntry };
  return {
    ok: false,
    issues: result.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message })),
  };
}

/** `hashes.schema`, `customProperties["a b"]`, `[0]` — a path a person can find in the file. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$]*$/.test(key)) out += out === '' ? key : `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}
