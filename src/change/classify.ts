import type { AssetHashes, Facet } from '../catalog/hashes.ts';

export type ChangeType =
  | 'CREATED'
  | 'SCHEMA_CHANGED'
  | 'MODIFIED'
  | 'METADATA_CHANGED'
  | 'UNCHANGED'
  | 'DELETED';

export interface Classification {
  type: ChangeType;
  /** Every facet whose hash differs, most severe first. */
  facets: Facet[];
}

/** Most severe first: a schema change needs a full rewrite, content a delta, metadata the lightest touch. */
const SEVERITY: readonly Facet[] = ['schema', 'content', 'metadata'];

const TYPE_BY_FACET: Record<Facet, ChangeType> = {
  schema: 'SCHEMA_CHANGED',
  content: 'MODIFIED',
  metadata: 'METADATA_CHANGED',
};

/**
 * Classifies a present asset against the hashes of its last confirmed sync. `previous` undefined means
 * the asset was never synced (or its checkpoint entry is gone): CREATED.
 */
export function classify(current: AssetHashes, previous: AssetHashes | undefined): Classification {
  if (!previous) return { type: 'CREATED', facets: [...SEVERITY] };
  const facets = SEVERITY.filter((facet) => current[facet] !== previous[facet]);
  const worst = facets[0];
  return { type: worst ? TYPE_BY_FACET[worst] : 'UNCHANGED', facets };
}
