/**
 * `Label — description`, or whichever of the two exists; undefined when neither does. One rule for every place a
 * name and a description share one field people read: a column's Comment (label and description) and a table's
 * Description (business name and description). A text that is only whitespace counts as absent, and a label equal
 * to the description is not said twice.
 */
export function labelledText(label: string | undefined, description: string | undefined): string | undefined {
  const name = label?.trim() ? label : undefined;
  const text = description?.trim() ? description : undefined;
  if (name && text && name !== text) return `${name} — ${text}`;
  return name ?? text;
}
