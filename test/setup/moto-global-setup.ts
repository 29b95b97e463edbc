import type { TestProject } from 'vitest/node';
import { ensureMotoServer } from '../../scripts/ensure-moto.ts';
import { startMotoServer } from '../../scripts/moto-server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** `http://127.0.0.1:<port>` of the moto_server this test run started. */
    motoEndpoint: string;
  }
}

/**
 * Starts one moto_server for the whole run and hands its endpoint to the tests (`inject('motoEndpoint')`). There is
 * no way around it: without moto the run fails here, with the reason and the fix, in CI and on a laptop alike —
 * a Glue target tested only against stubs is not tested. Tests keep apart by database prefix, not by resets, since
 * test files run in parallel against this one server.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let moto;
  try {
    const command = await ensureMotoServer();
    moto = await startMotoServer(command);
  } catch (error) {
    throw new Error(`The test suite needs moto_server (a Glue-compatible server) and could not start it.\n${(error as Error).message}`);
  }
  project.provide('motoEndpoint', moto.endpoint);
  return () => moto.stop();
}
