import { createServer, connect } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';

/** Bytes that crossed a counting proxy, per direction. */
export interface ProxyCount {
  /** Client → server: request lines, headers and bodies, as written to the socket. */
  up: number;
  /** Server → client. */
  down: number;
  /** TCP connections the client opened. */
  connections: number;
}

export interface CountingProxy {
  /** `http://127.0.0.1:<port>`: point a client here instead of at the server. */
  endpoint: string;
  count(): ProxyCount;
  reset(): void;
  close(): Promise<void>;
}

/**
 * A TCP proxy in front of an HTTP server that counts every byte passing each way. It knows nothing of HTTP or of
 * our code, which is what makes it an independent count of what a run really moved over the wire.
 */
export async function startCountingProxy(upstream: string): Promise<CountingProxy> {
  const url = new URL(upstream);
  const counts: ProxyCount = { up: 0, down: 0, connections: 0 };
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    counts.connections += 1;
    const server = connect(Number(url.port), url.hostname);
    sockets.add(client);
    sockets.add(server);
    client.on('data', (chunk: Buffer) => (counts.up += chunk.byteLength));
    server.on('data', (chunk: Buffer) => (counts.down += chunk.byteLength));
    client.pipe(server);
    server.pipe(client);
    const end = () => {
      client.destroy();
      server.destroy();
      sockets.delete(client);
      sockets.delete(server);
    };
    client.on('error', end);
    server.on('error', end);
    client.on('close', end);
    server.on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    count: () => ({ ...counts }),
    reset() {
      counts.up = 0;
      counts.down = 0;
      counts.connections = 0;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
