import { z } from 'zod';
import { JOB_STATUSES, PRIORITIES } from './job.ts';

/** A space name as Datasphere spells it; no control characters (they would end up in logs and table names). */
const spaceName = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[^\u0000-\u001f\u007f]+$/, 'no control characters');

/** `POST /api/v1/sync` */
export const syncRequestSchema = z.strictObject({
  spaces: z.array(spaceName).min(1).max(1000),
  mode: z.enum(['incremental', 'full']).default('incremental'),
  dryRun: z.boolean().default(false),
  priority: z.enum(PRIORITIES).default('normal'),
});

/** `GET /api/v1/sync/jobs?status=&limit=` */
export const jobListQuerySchema = z.strictObject({
  status: z.enum(JOB_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(50),
});

/** `/api/v1/sync/{id}` */
export const jobParamsSchema = z.strictObject({
  id: z.string().min(1).max(100),
});

/** What a 400 answers with: one line per problem, each naming the field. */
export function describeIssues(error: z.ZodError): { message: string; issues: { path: string; message: string }[] } {
  const issues = error.issues.map((issue) => ({ path: issue.path.join('.') || '(body)', message: issue.message }));
  return { message: issues.map((i) => `${i.path}: ${i.message}`).join('; '), issues };
}
