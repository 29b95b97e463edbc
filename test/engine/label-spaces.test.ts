import { describe, expect, it } from 'vitest';
import type { SpaceExtract } from '../../src/catalog/source.ts';
import type { SpaceLabelOutcome } from '../../src/catalog/space-labels.ts';
import type { Target } from '../../src/catalog/target.ts';
import { labelSpaces, SpaceLabels } from '../../src/engine/label-spaces.ts';

const extract = (space: string, label?: string): SpaceExtract => ({ space, complete: true, items: [], failures: [], warnings: [], ...(label !== undefined ? { label } : {}) });

function recordingLogger() {
  const lines: Array<{ level: string; obj: object; msg?: string }> = [];
  const at = (level: string) => (obj: object, msg?: string) => lines.push({ level, obj, ...(msg !== undefined ? { msg } : {}) });
  return { lines, logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } };
}

/** Only what labelSpaces looks at: the capability (or its absence). */
function labellingTarget(answer: (labels: ReadonlyMap<string, string>) => Promise<SpaceLabelOutcome>, calls: Array<Map<string, string>>): Target {
  return {
    labelSpaces: async (labels: ReadonlyMap<string, string>) => {
      calls.push(new Map(labels));
      return answer(labels);
    },
  } as unknown as Target;
}

describe('labelSpaces (engine)', () => {
  it('gathers the labels the source gave, and only those', () => {
    const labels = new SpaceLabels();
    labels.add(extract('SALES', 'Sales & Distribution'));
    labels.add(extract('HR'));
    expect([...labels.entries()]).toEqual([['SALES', 'Sales & Distribution']]);
  });

  it('hands them to a target that keeps them, logging its warnings and what it updated', async () => {
    const labels = new SpaceLabels();
    labels.add(extract('SALES', 'Sales'));
    labels.add(extract('HR', 'People'));
    const calls: Array<Map<string, string>> = [];
    const { lines, logger } = recordingLogger();
    const change = { database: 'ds_sales', space: 'SALES', from: 'SAP Datasphere space SALES (SALES)', to: 'SAP Datasphere space Sales (SALES)' };
    const target = labellingTarget(async () => ({ changes: [change], warnings: ['database ds_hr: could not update it'] }), calls);
    await expect(labelSpaces(target, labels, logger)).resolves.toEqual([change]);
    expect(calls).toEqual([new Map([['SALES', 'Sales'], ['HR', 'People']])]);
    expect(lines).toEqual([
      { level: 'warn', obj: {}, msg: 'database ds_hr: could not update it' },
      { level: 'info', obj: { databases: ['ds_sales'] }, msg: "database Descriptions brought in step with their spaces' labels" },
    ]);
  });

  it('asks nothing when no space has a label, or the target has no such capability', async () => {
    const calls: Array<Map<string, string>> = [];
    const { lines, logger } = recordingLogger();
    await expect(labelSpaces(labellingTarget(async () => ({ changes: [], warnings: [] }), calls), new SpaceLabels(), logger)).resolves.toEqual([]);
    expect(calls).toEqual([]);
    const labels = new SpaceLabels();
    labels.add(extract('SALES', 'Sales'));
    await expect(labelSpaces({} as Target, labels, logger)).resolves.toBeUndefined();
    expect(lines).toEqual([]);
  });

  it('a target that throws costs a warning, not the run', async () => {
    const labels = new SpaceLabels();
    labels.add(extract('SALES', 'Sales'));
    const { lines, logger } = recordingLogger();
    await expect(labelSpaces(labellingTarget(async () => Promise.reject(new Error('endpoint unreachable')), []), labels, logger)).resolves.toEqual([]);
    expect(lines).toEqual([{ level: 'warn', obj: { err: 'endpoint unreachable' }, msg: "could not bring the databases' Descriptions in step with their spaces' labels" }]);
  });
});
