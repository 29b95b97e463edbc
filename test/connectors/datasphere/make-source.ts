import { DatasphereSource } from '../../../src/connectors/datasphere/datasphere-source.ts';
import type { DatasphereSourceOptions } from '../../../src/connectors/datasphere/datasphere-source.ts';
import { CLIENT_ID, CLIENT_SECRET, TENANT_URL, TOKEN_URL } from './fake-tenant.ts';

/** Delays the source asked for, in order; nothing actually waits. */
export interface SleepLog {
  sleep: (ms: number) => Promise<void>;
  delays: number[];
}

export function recordSleeps(): SleepLog {
  const delays: number[] = [];
  return {
    delays,
    sleep: async (ms: number) => {
      delays.push(ms);
    },
  };
}

/** A DatasphereSource pointed at the fake tenant, with no real waiting and jitter fixed at its midpoint. */
export function makeSource(overrides: Partial<DatasphereSourceOptions> = {}): DatasphereSource {
  return new DatasphereSource({
    tenantUrl: TENANT_URL,
    tokenUrl: TOKEN_URL,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    sleep: async () => {},
    random: () => 0.5,
    ...overrides,
  });
}
