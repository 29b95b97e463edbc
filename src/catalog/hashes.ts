/** The three SHA-256 hex digests an asset is compared by. */
export interface AssetHashes {
  content: string;
  schema: string;
  metadata: string;
}

export type Facet = keyof AssetHashes;

export function sameHashes(a: AssetHashes | undefined, b: AssetHashes | undefined): boolean {
  return !!a && !!b && a.content === b.content && a.schema === b.schema && a.metadata === b.metadata;
}
