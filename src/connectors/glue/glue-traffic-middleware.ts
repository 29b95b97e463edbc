import type { Readable } from 'node:stream';
import type { GlueClient } from '@aws-sdk/client-glue';
import { recordCall } from '../../catalog/traffic.ts';
import type { Traffic } from '../../catalog/traffic.ts';

/** Glue (and Lake Formation) operations that change the catalog; every other call we make only reads. */
const WRITE_OPERATIONS = new Set([
  'CreateDatabase',
  'UpdateDatabase',
  'CreateTable',
  'UpdateTable',
  'DeleteTable',
  'BatchDeleteTable',
  'BatchDeleteTableVersion',
  'BatchCreatePartition',
  'BatchUpdatePartition',
  'BatchDeletePartition',
  // Lake Formation (governance.lfTags), counted by the same middleware on its own client.
  'CreateLFTag',
  'UpdateLFTag',
  'AddLFTagsToResource',
  'RemoveLFTagsFromResource',
]);

/** The parts of the SDK's HTTP request and response this middleware looks at. */
interface WireRequest {
  method?: string;
  path?: string;
  headers: Record<string, string | undefined>;
  body?: unknown;
}
interface WireResponse {
  statusCode: number;
  reason?: string;
  headers?: Record<string, string | undefined>;
  body?: unknown;
}

/** Framing bytes the counters add up, beside the bodies: what a wire count sees and a body count would miss. */
export interface WireOverhead {
  /** Request lines and headers sent plus status lines and headers received, over every request counted. */
  bytes: number;
  requests: number;
}

function byteLength(body: unknown): number {
  if (body === undefined || body === null) return 0;
  if (typeof body === 'string') return Buffer.byteLength(body, 'utf8');
  // The JSON protocol hands over a Uint8Array subclass; reading its length, not its text, avoids a conversion.
  if (body instanceof Uint8Array) return body.byteLength;
  if (body instanceof ArrayBuffer) return body.byteLength;
  return 0;
}

/** `name: value\r\n` for each header, as HTTP/1.1 puts them on the wire. */
function headerBytes(headers: Record<string, string | undefined> | undefined): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    bytes += Buffer.byteLength(name, 'latin1') + 2 + Buffer.byteLength(value, 'utf8') + 2;
  }
  return bytes;
}

/**
 * `POST / HTTP/1.1\r\n`, the headers and the blank line (Glue's JSON protocol has no query string). Node's HTTP
 * client adds `Connection: keep-alive` to a request that does not name a connection (the SDK's agent keeps
 * connections alive): 24 bytes the SDK never sees.
 */
function requestHeadBytes(request: WireRequest): number {
  const line = `${request.method ?? 'POST'} ${request.path ?? '/'} HTTP/1.1\r\n`;
  const named = Object.keys(request.headers).some((h) => h.toLowerCase() === 'connection');
  return Buffer.byteLength(line) + headerBytes(request.headers) + (named ? 0 : 'Connection: keep-alive\r\n'.length) + 2;
}

/** `HTTP/1.1 200 OK\r\n`, the headers as the client kept them, and the blank line. */
function responseHeadBytes(response: WireResponse): number {
  const line = `HTTP/1.1 ${response.statusCode} ${response.reason ?? ''}\r\n`;
  return Buffer.byteLength(line) + headerBytes(response.headers) + 2;
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
 * Counts every HTTP attempt the client makes into `traffic`: requests, writes, and bytes per Glue operation in
 * both directions — the whole HTTP message each way, request line and headers included (about 0.9 KB of SigV4
 * headers per request, and 0.3 KB of response headers: as much as a small table, so a count of bodies alone would
 * make many small reads look free). It sits in the deserialize step at low priority, i.e. inside the retry and
 * signing middleware and right next to the HTTP handler, so each retry is a request of its own and the headers are
 * the signed ones — the figures are what crossed the wire, less TLS framing and any header the HTTP layer merges
 * away (a repeated `server` header, say). The response body is read here (and handed on as bytes) because a
 * stream has no length until it is read. `overhead` adds up the header bytes alone.
 */
export function countGlueTraffic(client: GlueClient, traffic: Traffic, overhead?: WireOverhead): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const request = args.request as WireRequest;
      const operation = operationOf(request, context.commandName);
      const head = requestHeadBytes(request);
      const sent = head + byteLength(request.body);
      const isWrite = WRITE_OPERATIONS.has(operation);
      let received = 0;
      let responseHead = 0;
      try {
        const result = await next(args);
        const response = result.response as WireResponse;
        responseHead = responseHeadBytes(response);
        let body = byteLength(response.body);
        if (isReadable(response.body)) {
          const bytes = await drain(response.body);
          response.body = bytes;
          body = bytes.byteLength;
        }
        received = responseHead + body;
        return result;
      } catch (error) {
        // An error answer (4xx/5xx) still crossed the wire: the SDK hangs the raw response on the error.
        const response = (error as { $response?: WireResponse } | null)?.$response;
        if (response && typeof response.statusCode === 'number') {
          responseHead = responseHeadBytes(response);
          received = responseHead + byteLength(response.body);
        }
        throw error;
      } finally {
        // Counted whatever happened: a request that got no (complete) answer still went out.
        recordCall(traffic, operation, sent, received, isWrite);
        if (overhead) {
          overhead.bytes += head + responseHead;
          overhead.requests += 1;
        }
      }
    },
    { step: 'deserialize', priority: 'low', name: 'catalogSyncTraffic', tags: ['CATALOG_SYNC'] },
  );
}
