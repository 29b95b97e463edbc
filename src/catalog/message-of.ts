/** The message of anything thrown, for logs and summaries (a thrown non-Error is stringified). */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
