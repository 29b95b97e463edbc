import { describe, expect, it } from 'vitest';
import { resultOf } from '../../src/daemon/run-job.ts';
import type { HistoryRecord } from '../../src/report/run-history.ts';

const summary = (extra: Partial<HistoryRecord>) => ({ status: 'failed', ...extra }) as unknown as HistoryRecord;

describe('the job result of a run', () => {
  it('carries the typed error a failed run reports (a checkpoint that could not be written)', () => {
    const error = { code: 'CHECKPOINT_WRITE_FAILED', message: 'could not write /data/cp.json: no space left on device' };
    expect(resultOf({ interrupted: false }, summary({ error }))).toMatchObject({ outcome: 'failed', error });
  });

  it('falls back to RUN_FAILED for a failed run without one, and keeps ok and partial apart', () => {
    expect(resultOf({ interrupted: false }, summary({}))).toMatchObject({ outcome: 'failed', error: { code: 'RUN_FAILED' } });
    expect(resultOf({ interrupted: false }, summary({ status: 'ok' } as Partial<HistoryRecord>)).outcome).toBe('succeeded');
    expect(resultOf({ interrupted: false }, summary({ status: 'partial' } as Partial<HistoryRecord>)).outcome).toBe('partial');
  });

  it('names the guard that stopped a run', () => {
    const stoppedBy = { code: 'DELETION_GUARD', message: 'would delete 40 of 50 tables' };
    expect(resultOf({ interrupted: false, stoppedBy }, summary({ status: 'guard-stopped' } as Partial<HistoryRecord>))).toMatchObject({ outcome: 'failed', error: stoppedBy });
  });
});
