import { Agent, createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/** One Glue JSON-protocol request as the proxy saw it (`X-Amz-Target: AWSGlue.<Operation>`). */
export interface GlueRequest {
  /** 1-based, in the order the requests' bodies arrived. */
  seq: number;
  operation: string;
  database?: string;
  /** The table a table call names (lowercase, as Glue stores it). */
  table?: string;
  /** BatchDeleteTable: the tables it names. */
  tables?: string[];
}

export interface GlueExchange extends GlueRequest {
  /** Whether it was passed on to the server (a dropped one never reached it). */
  forwarded: boolean;
  /** The server's HTTP status, once it answered. */
  status?: number;
}

/** What to do with a request: pass it on, or drop it (the connection is cut, the server never sees it). */
export type RequestVerdict = 'forward' | 'drop';

/**
 * An HTTP proxy in front of a Glue-compatible server (moto) that reads each request's operation and the table it
 * names, asks `onRequest` what to do with it, and records what the server answered. Independent of our code: it is
 * the count of what really reached the server — how many times each table was written — and the hook a test kills
 * its client from, at the moment a chosen request arrives.
 */
export class GlueRequestProxy {
  readonly exchanges: GlueExchange[] = [];
  onRequest: ((request: GlueRequest) => RequestVerdict) | undefined;
  #seq = 0;
  readonly #agent = new Agent({ keepAlive: true });

  private constructor(
    private readonly server: Server,
    private readonly upstream: URL,
    readonly endpoint: string,
  ) {}

  static async start(upstream: string): Promise<GlueRequestProxy> {
    let proxy: GlueRequestProxy | undefined;
    const server = createServer((req, res) => proxy?.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    proxy = new GlueRequestProxy(server, new URL(upstream), `http://127.0.0.1:${port}`);
    return proxy;
  }

  /** Forgets what was recorded (the sequence starts at 1 again). */
  reset(): void {
    this.exchanges.length = 0;
    this.#seq = 0;
  }

  /** Table writes the server accepted (CreateTable, UpdateTable answered 200), per table of `database`. */
  acceptedWrites(database: string): Map<string, number> {
    const out = new Map<string, number>();
    for (const e of this.exchanges) {
      if ((e.operation === 'CreateTable' || e.operation === 'UpdateTable') && e.status === 200 && e.database === database && e.table) {
        out.set(e.table, (out.get(e.table) ?? 0) + 1);
      }
    }
    return out;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.#agent.destroy();
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('error', () => {});
    res.on('error', () => {});
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const request = describe(++this.#seq, req.headers['x-amz-target'], body);
      const exchange: GlueExchange = { ...request, forwarded: false };
      this.exchanges.push(exchange);
      if ((this.onRequest?.(request) ?? 'forward') === 'drop') {
        req.socket.destroy();
        return;
      }
      exchange.forwarded = true;
      const upstream = httpRequest(
        { host: this.upstream.hostname, port: this.upstream.port, method: req.method, path: req.url, headers: req.headers, agent: this.#agent },
        (answer) => {
          exchange.status = answer.statusCode;
          // The client may be gone (killed): the server has answered all the same, which is what is recorded.
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          answer.on('error', () => res.destroy());
        },
      );
      upstream.on('error', () => res.destroy());
      upstream.end(body);
    });
  }
}

function describe(seq: number, target: string | string[] | undefined, body: Buffer): GlueRequest {
  const operation = (Array.isArray(target) ? target[0] : target)?.replace(/^AWSGlue\./, '') ?? 'unknown';
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
  } catch {
    // Not JSON: recorded by its operation alone.
  }
  const database = typeof json['DatabaseName'] === 'string' ? json['DatabaseName'] : undefined;
  const input = json['TableInput'] as { Name?: unknown } | undefined;
  const name = typeof input?.Name === 'string' ? input.Name : typeof json['Name'] === 'string' ? json['Name'] : undefined;
  const tables = Array.isArray(json['TablesToDelete']) ? (json['TablesToDelete'] as unknown[]).filter((t): t is string => typeof t === 'string').map((t) => t.toLowerCase()) : undefined;
  return {
    seq,
    operation,
    ...(database !== undefined ? { database: database.toLowerCase() } : {}),
    ...(name !== undefined && operation !== 'GetDatabase' && operation !== 'CreateDatabase' ? { table: name.toLowerCase() } : {}),
    ...(tables ? { tables } : {}),
  };
}
