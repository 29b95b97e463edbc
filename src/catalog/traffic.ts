/** Request and byte counters a connector keeps about its own traffic; the run summary reports them. */
export interface Traffic {
  requests: number;
  /** Calls that change the remote system (always 0 for a source). */
  writes: number;
  bytesSent: number;
  bytesReceived: number;
  /** The same, split per operation name (e.g. `GetTables`, `CreateTable`, `GET assets`). */
  byOperation: Record<string, { requests: number; bytesSent: number; bytesReceived: number }>;
}

export function emptyTraffic(): Traffic {
  return { requests: 0, writes: 0, bytesSent: 0, bytesReceived: 0, byOperation: {} };
}

/** Adds one call to a Traffic record in place. */
export function recordCall(
  traffic: Traffic,
  operation: string,
  bytesSent: number,
  bytesReceived: number,
  isWrite: boolean,
): void {
  traffic.requests += 1;
  if (isWrite) traffic.writes += 1;
  traffic.bytesSent += bytesSent;
  traffic.bytesReceived += bytesReceived;
  const op = (traffic.byOperation[operation] ??= { requests: 0, bytesSent: 0, bytesReceived: 0 });
  op.requests += 1;
  op.bytesSent += bytesSent;
  op.bytesReceived += bytesReceived;
}
