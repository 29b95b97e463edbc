import { messageOf } from '../catalog/message-of.ts';
import { plural } from '../catalog/plural.ts';
import type { RunSummary } from '../engine/run-summary.ts';
import { errorCodeOf } from './exit-codes.ts';

/**
 * A run whose checkpoint could not be written (a full disk, a read-only folder, a failing device): its summary,
 * failed, with one message that names the file (the store's error does), says what the run wrote to the target and
 * what to do. Printed (text or the one `--json` object) and recorded in the history like any run.
 */
export function unsavedRunSummary(summary: RunSummary, error: unknown, history?: HistoryOutcome): RunSummary {
  const message = [
    messageOf(error).replace(/\.?$/, '.'),
    writtenSentence(summary),
    'The checkpoint file on disk is intact: it holds what was recorded before the failure.',
    ...(history && !history.recorded ? [`The run history ${history.file} could not be written either (${history.reason}): this run is not recorded there.`] : []),
  ].join(' ');
  return { ...summary, status: 'failed', error: { code: errorCodeOf(error) ?? 'FATAL', message } };
}

/** Whether a run's history record was appended, and if not, where and why. */
export type HistoryOutcome = { recorded: true } | { recorded: false; file: string; reason: string };

/** What the target received in this run, and why running again writes none of it twice. */
function writtenSentence(summary: RunSummary): string {
  const { created, updated, deprecated, deleted, recorded } = summary.applied;
  const written = created + updated + deprecated;
  const notStarted = (summary.actions ?? []).filter((a) => a.outcome === 'not-started').length;
  const parts = [`${created} created`, `${updated} updated`, ...(deprecated > 0 ? [`${deprecated} deprecated`] : []), `${deleted} deleted`, ...(recorded > 0 ? [`${recorded} recorded`] : [])];
  const did =
    written + deleted === 0
      ? 'This run wrote nothing to the target'
      : `This run wrote ${plural(written + deleted, 'table')} in the target (${parts.join(', ')})`;
  const rest = notStarted > 0 ? `; ${plural(notStarted, written + deleted === 0 ? 'table' : 'more table')} ${notStarted === 1 ? 'was' : 'were'} not started` : '';
  const rerun =
    written > 0
      ? `; the next run finds ${written === 1 ? 'that table' : 'those tables'} already holding what this run wrote (each carries its asset id and hashes) and records ${written === 1 ? 'it' : 'them'} without writing again`
      : '';
  return `${did}${rest}${rerun}.`;
}
