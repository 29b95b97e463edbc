import type { Readable } from 'node:stream';
import type { GlueClient } from '@aws-sdk/client-glue';
import { recordCall } from '../../catalog/traffic.ts';
import type { Traffic } from '../../catalog/traffic.ts';

/** Glue operations that change the catalog; every other call we make only reads. */
const WRITE_OPERATIONS = new Set([
  'CreateDatabase',
  'UpdateDatabase',
  'CreateTable',
  'UpdateTable',
  'DeleteTable',
  'BatchDeleteTable',
]);

/** The parts of the SDK's HTTP request and response this middleware looks at. */
interface WireRequest {
  headers: Record<string, string | undefined>;
  body?: unknown;
}
interface WireResponse {
  statusCode: number;
  body?: unknown;
}

function byteLength(body: unknown): number {
  if (body === undefined || body === null) return 0;
  if (typeof body === 'string') return Buffer.byteLength(body, 'utf8');
  // The JSON protocol hands over a Uint8Array subclass; reading its length, not its text, avoids a conversion.
  if (body instanceof Uint8Array) return body.byteLength;
  if (body instanceof ArrayBuffer) return body.byteLength;
  return 0;
}

function isReadable(body: unknown): body is Readable {
  return body !== null && typeof body === 'object' && Symbol.asyncIterator in body && 'pipe' in body;
}

async function drain(stream: Readable): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  // A plain Uint8Array (not a Buffer): the SDK's body collector accepts it as is and re-types it in place.
  return new Uint8Array(Buffer.concat(chunks));
}

/** `AWSGlue.GetTables` → `GetTables`; the command name is the fallback (`GetTablesCommand` → `GetTables`). */
function operationOf(request: WireRequest, commandName: string | undefined): string {
  const target = request.headers['x-amz-target'] ?? request.headers['X-Amz-Target'];
  if (target) return target.slice(target.lastIndexOf('.') + 1);
  return (commandName ?? 'Unknown').replace(/Command$/, '');
}

/**
 * Counts every HTTP attempt the client makes into `traffic`: requests, writes, and request/response body bytes per
 * Glue operation. It sits in the deserialize step at low priority, i.e. inside the retry middleware and right next
 * to the HTTP handler, so each retry is a request of its own — the figures are what crossed the wire. The
 * response body is read here (and handed on as bytes) because a stream has no length until it is read.
 */
export function countGlueTraffic(client: GlueClient, traffic: Traffic): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const request = args.request as WireRequest;
      const operation = operationOf(request, context.commandName);
      const sent = byteLength(request.body);
      const isWrite = WRITE_OPERATIONS.has(operation);
      let received = 0;
      try {
        const result = await next(args);
        const response = result.response as WireResponse;
        received = byteLength(response.body);
        if (isReadable(response.body)) {
          const bytes = await drain(response.body);
          response.body = bytes;
          received = bytes.byteLength;
        }
        return result;
      } finally {
        // Counted whatever happened: a request that got no (complete) answer still went out.
        recordCall(traffic, operation, sent, received, isWrite);
      }
    },
    { step: 'deserialize', priority: 'low', name: 'catalogSyncTraffic', tags: ['CATALOG_SYNC'] },
  );
}
