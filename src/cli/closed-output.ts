let attached = false;

/**
 * A reader that goes away early (`catalog-sync sync --json | head -c 100`) makes the next write to stdout fail with
 * EPIPE, raised as an 'error' event that would kill the process while the run is still closing its checkpoint and
 * lock. Nobody is left to read that output, so it is dropped and the run finishes with its own exit code; any other
 * stream error is thrown as before.
 */
export function ignoreClosedOutput(): void {
  if (attached) return;
  attached = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
    });
  }
}
