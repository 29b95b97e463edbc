/** How assets are compared; comes from the `change` block of the config. */
export interface ChangeOptions {
  /** Dotted paths left out of every hash, e.g. `owner`, `columns.description`, `customProperties.editorType`. */
  ignoreFields: string[];
  normalizeWhitespace: boolean;
  caseSensitive: boolean;
}

export const defaultChangeOptions: ChangeOptions = {
  ignoreFields: [],
  normalizeWhitespace: true,
  caseSensitive: true,
};
