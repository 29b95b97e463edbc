/**
 * `1 table`, `2 tables`, `0 tables`: a count with its noun in the right number. Irregular nouns pass their plural
 * (`plural(n, 'entry', 'entries')`).
 */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}
