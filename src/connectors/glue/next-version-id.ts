/**
 * The VersionId after `version`: Glue's VersionId is "a string representation of an integer; each version is
 * incremented by 1" (API_TableVersion). Undefined when `version` is missing or not a plain decimal integer, since
 * then nothing can be said about the next one.
 */
export function nextVersionId(version: string | undefined): string | undefined {
  if (version === undefined || !/^\d{1,15}$/.test(version)) return undefined;
  return String(Number(version) + 1);
}
