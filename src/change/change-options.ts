import type { Facet } from '../catalog/hashes.ts';

/** How assets are compared; comes from the `change` block of the config. */
export interface ChangeOptions {
  /** Dotted paths left out of every hash, e.g. `owner`, `columns.description`, `customProperties.editorType`. */
  ignoreFields: string[];
  normalizeWhitespace: boolean;
  caseSensitive: boolean;
  /**
   * Which facets are hashed and compared (config `change.facets`); absent = all three. A facet switched off is
   * neither hashed nor compared: its hash stays what the checkpoint last recorded (DISABLED_FACET for an asset
   * seen first while it was off), so switching it on again finds only what really changed since.
   */
  facets?: Readonly<Record<Facet, boolean>>;
}

export const defaultChangeOptions: ChangeOptions = {
  ignoreFields: [],
  normalizeWhitespace: true,
  caseSensitive: true,
};

/** What hashAsset returns for a facet that is switched off; never a SHA-256 hex digest, so never a match by chance. */
export const DISABLED_FACET = 'off';

export function facetEnabled(options: ChangeOptions, facet: Facet): boolean {
  return options.facets === undefined || options.facets[facet] !== false;
}
