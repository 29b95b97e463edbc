import { messageOf } from '../catalog/message-of.ts';
import { errorCodeOf } from './exit-codes.ts';

/**
 * Appends the history record of a `sync`, `--dry-run` or `plan` that a fatal error ended (corrupt checkpoint, lock
 * held, unreachable source, unknown space): status `failed` and the error's code and message. Best effort: when the
 * config itself cannot be read there is no history to write to, and a failure here never hides the run's own error.
 */
export async function recordFailedRun(
  flags: { config: string; dryRun?: boolean; full?: boolean; space: string[] },
  run: { planOnly: boolean; startedAt: Date; error: unknown },
): Promise<FailedRunRecord> {
  let historyFile: string | undefined;
  try {
    const [{ loadConfig }, { failedRunSummary, recordRun }] = await Promise.all([
      import('../config/load-config.ts'),
      import('../report/audit-trail.ts'),
    ]);
    const { config, secrets } = await loadConfig(flags.config);
    let message = run.error instanceof Error ? run.error.message : String(run.error);
    // Secrets never reach the history: a message that echoes one (an auth error quoting the request) is redacted.
    for (const secret of secrets) if (secret.length > 0) message = message.split(secret).join('[redacted]');
    const summary = failedRunSummary({
      startedAt: run.startedAt,
      finishedAt: new Date(),
      dryRun: flags.dryRun === true,
      planOnly: run.planOnly,
      mode: flags.full ? 'full' : 'incremental',
      sourceType: config.source.type,
      targetType: config.target.type,
      spaces: flags.space,
      error: { code: errorCodeOf(run.error) ?? 'FATAL', message },
    });
    historyFile = config.history.file;
    await recordRun(config.history, summary);
    return { recorded: true };
  } catch (error) {
    // See above: the caller reports the original error (and, when there is a history file, that it was not written).
    if (historyFile === undefined) return { recorded: false };
    return { recorded: false, file: historyFile, reason: messageOf(error) };
  }
}

/** Whether the failed run went into the history; where it could not, the file and why (no file: no config to read). */
export type FailedRunRecord = { recorded: true } | { recorded: false; file?: string; reason?: string };
