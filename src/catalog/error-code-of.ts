/**
 * The stable `code` a thrown value carries (our typed errors, Node's system errors), if it has one. The CLI keeps a
 * copy of its own (cli/exit-codes.ts): `catalog-sync --help` loads nothing outside dist/cli/.
 */
export function errorCodeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const code = (error as { code: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}
