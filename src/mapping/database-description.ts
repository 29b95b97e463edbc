import type { DatabaseDescriptionChange } from '../catalog/space-labels.ts';
import { fitText, GLUE_LIMITS, toMultiLine } from './glue-limits.ts';
import { OWNER_KEY } from './table-parameters.ts';

/** The Description a space's database is given when the configuration names none. */
const DEFAULT_PREFIX = 'SAP Datasphere space';

export interface DatabaseDescription {
  /** What the database's Description should say, as Glue would store it; undefined: nothing (an empty template). */
  value?: string;
  /** Set when the text had to be cut to Glue's limit: its length in bytes before. */
  truncatedFrom?: number;
}

/**
 * The Description of the database a space maps to, the same for every target. A configured `template`
 * (target.glue.databaseDescription) may say `{space}` (the space's technical name) and `{label}` (its label, or its
 * name where it has none); "" asks for none. Without one: `SAP Datasphere space <label> (<SPACE>)`, or
 * `SAP Datasphere space <SPACE>` where the space has no label of its own (none given, or the name itself). Glue takes
 * at most 2048 bytes and its multi-line character set: the text is fitted here, so what is compared with a
 * database's current Description is what Glue would store.
 */
export function databaseDescription(template: string | undefined, space: string, label?: string): DatabaseDescription {
  const own = label?.trim() && label.trim() !== space ? label.trim() : undefined;
  let text: string;
  if (template === undefined) text = own === undefined ? `${DEFAULT_PREFIX} ${space}` : `${DEFAULT_PREFIX} ${own} (${space})`;
  else if (template === '') return {};
  // One pass: a label that itself says "{space}" stays as it is.
  else text = template.replace(/\{(space|label)\}/g, (_match, key: string) => (key === 'space' ? space : (own ?? space)));
  const fitted = fitText(toMultiLine(text), GLUE_LIMITS.descriptionBytes);
  return { value: fitted.value, ...(fitted.truncatedFrom !== undefined ? { truncatedFrom: fitted.truncatedFrom } : {}) };
}

/** One space whose label the source gave, and the database it maps to. */
export interface LabelledSpace {
  database: string;
  space: string;
  label: string;
}

/**
 * The databases of labelled spaces, each once: where two spaces map to one database, the first one's label speaks
 * for it. What every target that keeps space labels on its databases (SpaceLabelling) brings in step.
 */
export function labelledDatabases(labels: ReadonlyMap<string, string>, databaseFor: (space: string) => string): LabelledSpace[] {
  const chosen = new Map<string, LabelledSpace>();
  for (const [space, label] of labels) {
    const database = databaseFor(space);
    if (!chosen.has(database)) chosen.set(database, { database, space, label });
  }
  return [...chosen.values()];
}

/** What a database as the target holds it needs for its Description to say `wanted`. */
export type DescriptionStep =
  /** No such database: the next create gives it the Description. */
  | 'missing'
  /** Not created by this job (no `catalog_sync.owner` of ours): never touched. */
  | 'foreign'
  | 'unchanged'
  | 'update';

export function descriptionStep(
  current: { Description?: string; Parameters?: Record<string, string> } | undefined,
  wanted: string | undefined,
  job: string,
): DescriptionStep {
  if (current === undefined) return 'missing';
  if (current.Parameters?.[OWNER_KEY] !== job) return 'foreign';
  // An empty template asks us to write none; one that is there already (someone's, or ours from before) stays.
  if (wanted === undefined || (current.Description ?? '') === wanted) return 'unchanged';
  return 'update';
}

/**
 * The Description change `database` (of `space`) needs, as the target holds it, for its Description to say `wanted`;
 * undefined where descriptionStep says there is nothing to update. What both targets report, made or previewed.
 */
export function descriptionChange(
  current: { Description?: string; Parameters?: Record<string, string> } | undefined,
  wanted: string | undefined,
  job: string,
  database: string,
  space: string,
): DatabaseDescriptionChange | undefined {
  if (current === undefined || wanted === undefined || descriptionStep(current, wanted, job) !== 'update') return undefined;
  return { database, space, ...(current.Description !== undefined ? { from: current.Description } : {}), to: wanted };
}
