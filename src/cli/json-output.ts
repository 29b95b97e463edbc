/**
 * `--json` promises exactly one JSON object on stdout in every outcome. Commands print through here, so the entry
 * point knows whether a failure still owes the caller its object.
 */
let printed = false;
/** Facts a failing command learnt after its error (e.g. whether the run history could be written), for its object. */
let details: Record<string, unknown> = {};

export function printJson(value: unknown): void {
  printed = true;
  process.stdout.write(JSON.stringify(value) + '\n');
}

/** Called as each command line starts (the CLI can run several times in one process, e.g. in tests). */
export function resetJsonOutput(): void {
  printed = false;
  details = {};
}

/** Adds a field to the failure object the entry point prints for a command that failed before printing its own. */
export function addFailureDetail(key: string, value: unknown): void {
  details[key] = value;
}

export function jsonPrinted(): boolean {
  return printed;
}

/** The object printed when a command fails before it could print its own. */
export function failureJson(error: { code: string; message: string }, exitCode: number): Record<string, unknown> {
  return { status: 'failed', error, exitCode, ...details };
}
