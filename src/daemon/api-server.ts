import Fastify from 'fastify';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { z } from 'zod';
import type { EngineLogger } from '../engine/engine-logger.ts';
import { describeIssues, jobListQuerySchema, jobParamsSchema, syncRequestSchema } from './api-schemas.ts';
import { createBearerCheck } from './bearer-auth.ts';
import type { DaemonMetrics } from './daemon-metrics.ts';
import { jobView } from './job.ts';
import type { JobManager } from './job-manager.ts';
import type { ReadinessReport } from './readiness.ts';

export interface ApiServerOptions {
  manager: JobManager;
  metrics: DaemonMetrics;
  readiness: () => Promise<ReadinessReport>;
  /** When set, every request but /healthz and /readyz must carry `Authorization: Bearer <token>`. */
  token?: string;
  logger: EngineLogger;
}

/** Probes stay open: a kubelet or load balancer checks them without credentials, and they reveal nothing. */
const OPEN_PATHS = new Set(['/healthz', '/readyz']);

/**
 * The job API: JSON in and out, bodies and query strings checked with zod (400 names each wrong field), unknown
 * jobs 404, a busy space 409, a daemon shutting down 503.
 */
export function buildApiServer(options: ApiServerOptions): FastifyInstance {
  const { manager, metrics, logger } = options;
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024, return503OnClosing: true });

  if (options.token !== undefined) {
    const authorised = createBearerCheck(options.token);
    app.addHook('onRequest', async (request, reply) => {
      if (OPEN_PATHS.has(request.url.split('?')[0] ?? '')) return;
      if (!authorised(request.headers.authorization)) {
        await reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'unauthorized', message: 'a valid bearer token is required' });
      }
    });
  }
  app.addHook('onResponse', async (request, reply) => {
    logger.debug({ method: request.method, path: request.routeOptions.url ?? request.url.split('?')[0], status: reply.statusCode }, 'api request');
  });

  app.setErrorHandler(async (error: { statusCode?: number; message?: string }, _request, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      return reply.code(status).send({ error: errorName(status), message: error.message ?? 'bad request' });
    }
    logger.error({ err: error.message }, 'api request failed');
    return reply.code(500).send({ error: 'internal', message: 'internal error' });
  });
  app.setNotFoundHandler(async (request, reply) =>
    reply.code(404).send({ error: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` }),
  );

  app.post('/api/v1/sync', async (request, reply) => {
    if (!manager.accepting) return shuttingDown(reply);
    const body = syncRequestSchema.safeParse(request.body);
    if (!body.success) return badRequest(reply, body.error);
    const submitted = manager.submit({ ...body.data, trigger: 'api' });
    if (submitted.accepted) {
      const { job } = submitted;
      return reply.code(202).header('location', `/api/v1/sync/${job.id}`).send(jobView(job, { withSummary: false }));
    }
    if (submitted.reason === 'closed') return shuttingDown(reply);
    const conflict = submitted.conflict;
    return reply.code(409).send({
      error: 'space_busy',
      message: `job ${conflict.id} (${conflict.status}) already covers ${conflict.request.spaces.filter((s) => body.data.spaces.includes(s)).join(', ')}`,
      conflictingJob: conflict.id,
    });
  });

  app.get('/api/v1/sync/jobs', async (request, reply) => {
    const query = jobListQuerySchema.safeParse(request.query);
    if (!query.success) return badRequest(reply, query.error);
    const jobs = manager.list({ limit: query.data.limit, ...(query.data.status ? { status: query.data.status } : {}) });
    return reply.send({ jobs: jobs.map((job) => jobView(job, { withSummary: false })) });
  });

  app.get('/api/v1/sync/:id', async (request, reply) => {
    const params = jobParamsSchema.safeParse(request.params);
    if (!params.success) return badRequest(reply, params.error);
    const job = manager.get(params.data.id);
    if (!job) return notFound(reply, params.data.id);
    return reply.send(jobView(job, { withSummary: true }));
  });

  app.delete('/api/v1/sync/:id', async (request, reply) => {
    const params = jobParamsSchema.safeParse(request.params);
    if (!params.success) return badRequest(reply, params.error);
    const cancelled = manager.cancel(params.data.id);
    if (!cancelled.found) return notFound(reply, params.data.id);
    if (cancelled.wasFinished) {
      return reply.code(409).send({ error: 'already_finished', message: `job ${cancelled.job.id} already ended (${cancelled.job.status})` });
    }
    return reply.code(202).send(jobView(cancelled.job, { withSummary: false }));
  });

  app.get('/healthz', async (_request, reply) => reply.send({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    if (!manager.accepting) return reply.code(503).send({ ready: false, reason: 'shutting down' });
    const report = await options.readiness();
    return reply.code(report.ready ? 200 : 503).send(report);
  });

  app.get('/metrics', async (_request, reply) => reply.type(metrics.contentType).send(await metrics.text()));

  return app;
}

function badRequest(reply: FastifyReply, error: z.ZodError) {
  return reply.code(400).send({ error: 'bad_request', ...describeIssues(error) });
}

function notFound(reply: FastifyReply, id: string) {
  return reply.code(404).send({ error: 'not_found', message: `no job ${id}` });
}

function shuttingDown(reply: FastifyReply) {
  return reply.code(503).header('retry-after', '60').send({ error: 'shutting_down', message: 'the daemon is shutting down and accepts no new jobs' });
}

function errorName(status: number): string {
  if (status === 404) return 'not_found';
  if (status === 405) return 'method_not_allowed';
  if (status === 413) return 'payload_too_large';
  if (status === 415) return 'unsupported_media_type';
  return 'bad_request';
}
