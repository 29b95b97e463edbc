import { GetTablesCommand } from '@aws-sdk/client-glue';
import { afterEach, describe, expect, it } from 'vitest';
import { createGlueScenario } from './glue-scenario.ts';
import type { GlueScenario } from './glue-scenario.ts';

/** The corpus holds 19 definitions of space SALES. */
const ASSETS = 19;

let s: GlueScenario | undefined;
afterEach(async () => {
  await s?.cleanup();
  s = undefined;
});

async function versions(sc: GlueScenario): Promise<Map<string, string | undefined>> {
  const out = await sc.other.send(new GetTablesCommand({ DatabaseName: sc.database }));
  return new Map((out.TableList ?? []).map((t) => [t.Name as string, t.VersionId]));
}

describe('checkpoint versions on Glue (moto)', () => {
  it('a run that ends between its creates and their verification leaves entries without a version; the next run reads just those tables, records their versions and writes nothing twice', async () => {
    s = await createGlueScenario('repair');
    const sc = s;
    const stop = new AbortController();
    const stopped = await sc.run({ concurrency: 1 }, { signal: stop.signal, onProgress: (done) => done === 5 && stop.abort() });
    expect(stopped.interrupted).toBe(true);
    expect(stopped.summary.applied.created).toBe(5);
    expect(stopped.summary.verified.checked).toBe(0); // it stopped before verifying
    const afterStop = await sc.checkpoints();
    const unversioned = afterStop.all().filter((e) => e.target.version === undefined);
    expect(unversioned).toHaveLength(5);

    const resumed = (await sc.run()).summary;
    expect(resumed.status).toBe('ok');
    expect(resumed.applied).toMatchObject({ created: ASSETS - 5, recorded: 5, updated: 0 });
    expect(resumed.traffic.target.byOperation['UpdateTable']).toBeUndefined();
    expect(resumed.traffic.target.byOperation['CreateTable']?.requests).toBe(ASSETS - 5);
    const stored = await versions(sc);
    const checkpoint = await sc.checkpoints();
    for (const entry of checkpoint.all()) expect(entry.target.version).toBe(stored.get(entry.target.table));

    const quiet = (await sc.run()).summary;
    expect(quiet.traffic.target.requests).toBe(0);
  });
});
