import type { Facet } from '../catalog/hashes.ts';

/**
 * Every Parameters key this tool writes. Two namespaces are ours: `catalog_sync.` (control: ownership, identity,
 * hashes) and the configurable business prefix (`mapping.parameterPrefix`, default `datasphere.`). Every other key
 * belongs to someone else and survives every write. Only deterministic values go here: a value that changes
 * without a source change (a sync time, say) would make an unchanged target look changed.
 */
export const CONTROL_PREFIX = 'catalog_sync.';

/** The ownership marker: the job name. A table without this marker for our job is never updated or deleted. */
export const OWNER_KEY = 'catalog_sync.owner';
export const ASSET_ID_KEY = 'catalog_sync.asset_id';
export const ASSET_KIND_KEY = 'catalog_sync.asset_kind';
/** Format version of the mapping file the table was written with. */
export const MAPPING_VERSION_KEY = 'catalog_sync.mapping_version';
/** Set by the `deprecate` deletion policy (ISO-8601); any later write of the asset removes it again. */
export const DEPRECATED_AT_KEY = 'catalog_sync.deprecated_at';

export const HASH_KEYS = {
  content: 'catalog_sync.hash.content',
  schema: 'catalog_sync.hash.schema',
  metadata: 'catalog_sync.hash.metadata',
} as const satisfies Record<Facet, string>;

/** Table keys under the business prefix (`<prefix><suffix>`), grouped by the hash facet whose data they carry. */
export const TABLE_KEYS = {
  // content
  technicalName: 'technicalName',
  businessName: 'businessName',
  owner: 'owner',
  /** The full description, only when the Description field had to be cut. */
  description: 'description',
  // schema
  /** Glue column names of the primary key, comma-separated. */
  primaryKey: 'primaryKey',
  associations: 'associations',
  // metadata
  tags: 'tags',
  dimensions: 'dimensions',
  measures: 'measures',
  hierarchies: 'hierarchies',
  certification: 'certification',
  modelingPattern: 'modelingPattern',
} as const;

/** Custom properties: `<prefix>custom.<key>` (metadata facet). */
export const CUSTOM_PROPERTY_INFIX = 'custom.';

/** Column keys under the business prefix. */
export const COLUMN_KEYS = {
  // schema
  sourceType: 'sourceType',
  /** The source column name, only when it differs from the Glue column name. */
  sourceName: 'sourceName',
  key: 'key',
  nullable: 'nullable',
  // metadata
  label: 'label',
  description: 'description',
  /** The full comment text, only when the column Comment had to be cut or flattened. */
  comment: 'comment',
  semantics: 'semantics',
} as const;

const TABLE_FACETS: Record<string, Facet> = {
  technicalName: 'content',
  businessName: 'content',
  owner: 'content',
  description: 'content',
  primaryKey: 'schema',
  associations: 'schema',
  tags: 'metadata',
  dimensions: 'metadata',
  measures: 'metadata',
  hierarchies: 'metadata',
  certification: 'metadata',
  modelingPattern: 'metadata',
};

const COLUMN_FACETS: Record<string, 'schema' | 'metadata'> = {
  sourceType: 'schema',
  sourceName: 'schema',
  key: 'schema',
  nullable: 'schema',
  label: 'metadata',
  description: 'metadata',
  comment: 'metadata',
  semantics: 'metadata',
};

/**
 * Who owns a Parameters key: `control` (catalog_sync.*, replaced on every write), a facet, `ours` (under our
 * prefixes but unknown to this version, dropped by a full write only) or `foreign` (never touched).
 */
export type KeyOwner = 'control' | Facet | 'ours' | 'foreign';

export function tableKeyOwner(key: string, prefix: string): KeyOwner {
  if (key.startsWith(CONTROL_PREFIX)) return 'control';
  if (!key.startsWith(prefix)) return 'foreign';
  const suffix = key.slice(prefix.length);
  if (suffix.startsWith(CUSTOM_PROPERTY_INFIX)) return 'metadata';
  return Object.hasOwn(TABLE_FACETS, suffix) ? (TABLE_FACETS[suffix] as Facet) : 'ours';
}

export function columnKeyOwner(key: string, prefix: string): 'schema' | 'metadata' | 'ours' | 'foreign' {
  if (key.startsWith(CONTROL_PREFIX)) return 'ours';
  if (!key.startsWith(prefix)) return 'foreign';
  const suffix = key.slice(prefix.length);
  return Object.hasOwn(COLUMN_FACETS, suffix) ? (COLUMN_FACETS[suffix] as 'schema' | 'metadata') : 'ours';
}
