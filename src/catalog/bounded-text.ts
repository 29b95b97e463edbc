/** What a message may quote of untrusted text (a name, a body excerpt) before it is cut. */
export const MESSAGE_TEXT_MAX = 500;

/**
 * Keeps a message bounded whatever the input: a 1 MB definition name must not become a 1 MB warning in the
 * log, the summary and the run history. Text longer than `max` characters keeps its first `max` and says how
 * much was cut, so the reader knows it is not the whole value. The cut never splits a surrogate pair.
 */
export function boundText(text: string, max: number = MESSAGE_TEXT_MAX): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max);
  // A high surrogate at the end would leave half a character (and invalid UTF-16) behind.
  const last = text.charCodeAt(end - 1);
  if (end > 0 && last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}… (${text.length - end} more characters)`;
}
