import type { AssetStorage } from './asset-storage.ts';
import type { AssetTags } from './resource-tags.ts';
import type { NativeGlueTable } from './native-glue-table.ts';

/**
 * The source-neutral description of one catalog asset. Every source produces it, every target consumes it,
 * and the three change hashes are computed over it. Only plain JSON values, so it hashes and serialises
 * the same everywhere; optional fields are omitted rather than set to undefined.
 */
export type AssetKind =
  | 'table'
  | 'view'
  | 'remote-table'
  | 'analytic-model'
  | 'dimension'
  | 'fact'
  | 'text'
  | 'hierarchy';

/** A source type as the source system spells it, e.g. `{ name: 'cds.String', length: 10 }`. */
export interface SourceType {
  name: string;
  length?: number;
  precision?: number;
  scale?: number;
  srid?: number;
}

export type SemanticValue = string | number | boolean;

export interface Column {
  name: string;
  type: SourceType;
  nullable: boolean;
  key: boolean;
  label?: string;
  description?: string;
  /** `@Semantics.*` and similar per-column semantics, keyed without the leading `@`, e.g. `Semantics.currencyCode`. */
  semantics?: Record<string, SemanticValue>;
}

export interface Association {
  name: string;
  /** Technical name of the target entity. */
  target: string;
  cardinality?: { min?: number; max?: number | '*' };
  /** The join, as flat `left = right` strings, in source order. */
  on?: string[];
  /** Foreign-key element names of a managed association. */
  keys?: string[];
}

export interface Constraints {
  primaryKey: string[];
  associations: Association[];
}

export interface Measure {
  name: string;
  aggregation?: string;
  measureType?: string;
}

export interface Hierarchy {
  name: string;
  kind: 'leveled' | 'parent-child' | 'other';
  levels?: string[];
  parent?: string;
  child?: string;
  label?: string;
}

export interface BusinessContext {
  tags: string[];
  /** Column names (or association names) that act as dimensions. */
  dimensions: string[];
  measures: Measure[];
  hierarchies: Hierarchy[];
  certification?: string;
  modelingPattern?: string;
  /**
   * The Lake Formation LF-Tags `governance.lfTags` maps this business context to (mapping/lf-tags.ts), set only
   * while that is enabled. Kept here so it is hashed with the rest of the business context (metadata facet): a
   * changed tag mapping is a metadata change of exactly the assets whose tags it moves. Absent, assets hash as before.
   */
  lfTags?: AssetTags;
}

export interface Asset {
  /** Stable id: `<space>/<technicalName>`. */
  id: string;
  space: string;
  technicalName: string;
  kind: AssetKind;
  businessName?: string;
  description?: string;
  owner?: string;
  columns: Column[];
  constraints: Constraints;
  businessContext: BusinessContext;
  customProperties: Record<string, string>;
  /**
   * The table as a Glue source holds it, for what the model above has no place for (storage, table type, view
   * text, partition keys, parameters): a Glue-to-Glue replica is built from it, types unchanged. Only Glue
   * sources set it; it is hashed only where present, so other assets hash as they always did.
   */
  glue?: NativeGlueTable;
  /**
   * Where the asset's replicated data lies, from the first matching `storage.rules` entry (never set on an asset
   * that has a native Glue part). Hashed with the schema only where present.
   */
  storage?: AssetStorage;
}

export function assetId(space: string, technicalName: string): string {
  return `${space}/${technicalName}`;
}

export function emptyBusinessContext(): BusinessContext {
  return { tags: [], dimensions: [], measures: [], hierarchies: [] };
}
