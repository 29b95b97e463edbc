import { z } from 'zod';

/**
 * The whole configuration. Every key has a default, so `{}` plus a source and a target is a valid file;
 * config.example.json documents each key with its default.
 */
const csnFilesSource = z.strictObject({
  type: z.literal('csn-files'),
  /** Folder of Datasphere CSN export files (*.json), read recursively. */
  path: z.string().min(1),
  /** Space the exported objects belong to, unless a definition names its own (`@DataWarehouse.space.name`). */
  space: z.string().min(1),
});

const datasphereSource = z.strictObject({
  type: z.literal('datasphere'),
  /** `https://<tenant>.<region>.hcs.cloud.sap` */
  tenantUrl: z.url(),
  /** `https://<subdomain>.authentication.<region>.hana.ondemand.com/oauth/token` (App Integration → Token URL). */
  tokenUrl: z.url(),
  /** The technical user's OAuth client; normally `${ENV_VAR}` references, never literals. */
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  /** Space names or globs (`SALES_*`); empty = every space the catalog lists. */
  spaces: z.array(z.string().min(1)).default([]),
  /** `/api/v1/dwc/catalog` for older tenants. */
  catalogPrefix: z.string().default('/api/v1/datasphere/consumption/catalog'),
  /** Asset-name globs. An asset left out is absent from the source, so its table is deleted (max-delete guarded). */
  include: z.array(z.string()).default([]),
  exclude: z.array(z.string()).default([]),
  /** HTTP requests in flight at once. */
  concurrency: z.number().int().min(1).max(32).default(4),
  /** Page size for `$top`; the catalog serves at most 500 per page, and a short page ends a listing. */
  pageSize: z.number().int().min(1).max(500).default(100),
  timeoutMs: z.number().int().min(100).default(30_000),
  /** Retries per request for 429, 5xx and network faults. */
  maxRetries: z.number().int().min(0).max(10).default(4),
  /** Read design-time CSN first (richer); false reads the consumption EDMX (`$metadata`) only. */
  designTime: z.boolean().default(true),
  /** A 429/503 asking to wait longer than this fails the request instead of stalling the run. */
  maxRetryAfterSeconds: z.number().int().min(1).max(3600).default(300),
});

const fileTarget = z.strictObject({
  type: z.literal('file'),
  /** Folder the Glue-shaped catalog is written to: one folder per database, one JSON file per table. */
  path: z.string().min(1),
  databasePrefix: z.string().default('ds_'),
});

const glueTarget = z.strictObject({
  type: z.literal('glue'),
  region: z.string().min(1).default('us-east-1'),
  endpoint: z.url().optional(),
  catalogId: z.string().regex(/^\d{12}$/, 'a 12-digit AWS account id').optional(),
  databasePrefix: z.string().default('ds_'),
  databaseDescription: z.string().max(2048).optional(),
  databaseParameters: z.record(z.string(), z.string()).default({}),
  skipArchive: z.boolean().default(true),
  maxConcurrency: z.number().int().min(1).max(64).default(8),
  maxAttempts: z.number().int().min(1).max(20).default(6),
});

export const configSchema = z.strictObject({
  job: z
    .strictObject({
      /** Written into every table this job creates; tables without this marker are never updated or deleted. */
      name: z
        .string()
        .min(1)
        .max(100)
        .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . -')
        .default('catalog-sync'),
    })
    .prefault({}),
  source: z.discriminatedUnion('type', [csnFilesSource, datasphereSource]),
  target: z.discriminatedUnion('type', [fileTarget, glueTarget]),
  checkpoints: z
    .strictObject({
      dir: z.string().min(1).default('checkpoints'),
      /** Confirmed entries are made durable after this many writes (and at the end, and on SIGINT/SIGTERM). */
      flushEvery: z.number().int().min(1).default(25),
      /** ... but no sooner than this after the previous flush (each flush rewrites the whole file). */
      flushIntervalMs: z.number().int().min(0).default(1000),
      backups: z
        .strictObject({
          keep: z.number().int().min(1).default(20),
          maxAgeDays: z.number().min(0).default(30),
        })
        .prefault({}),
    })
    .prefault({}),
  change: z
    .strictObject({
      /** Asset fields left out of every hash, as dotted paths (e.g. `owner`, `columns.description`). */
      ignoreFields: z.array(z.string()).default([]),
      /** Trim and collapse runs of whitespace in text before hashing. */
      normalizeWhitespace: z.boolean().default(true),
      /** When false, text is compared case-insensitively. */
      caseSensitive: z.boolean().default(true),
    })
    .prefault({}),
  mapping: z
    .strictObject({
      /** Type table and naming rules; the shipped mappings/datasphere-to-glue.json when not set. */
      file: z.string().optional(),
      /** Glue type for a source type the mapping table does not know (a warning is counted). */
      fallbackType: z.string().default('string'),
      /** Glue type for decimals without precision (cds.Decimal, DecimalFloat, hana.SMALLDECIMAL). */
      defaultDecimal: z.string().regex(/^decimal\(\d+,\d+\)$/).default('decimal(38,10)'),
      /** Prefix of the table Parameters that carry business context. */
      parameterPrefix: z.string().min(1).default('datasphere.'),
    })
    .prefault({}),
  deletion: z
    .strictObject({
      policy: z.enum(['delete', 'deprecate', 'log']).default('delete'),
      /** A run that would delete more than this many tables stops before deleting any (unless --force). */
      maxCount: z.number().int().min(0).default(50),
      /** ... or more than this percent of the tables this job owns in the target. */
      maxPercent: z.number().min(0).max(100).default(25),
    })
    .prefault({}),
  conflicts: z
    .strictObject({
      policy: z.enum(['source-wins', 'target-wins', 'fail']).default('source-wins'),
    })
    .prefault({}),
  sync: z
    .strictObject({
      concurrency: z.number().int().min(1).max(64).default(4),
    })
    .prefault({}),
  logging: z
    .strictObject({
      level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    })
    .prefault({}),
  history: z
    .strictObject({
      /** Run summaries are appended here, one JSON object per line. */
      file: z.string().default('checkpoints/run-history.jsonl'),
    })
    .prefault({}),
});

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
export type CsnFilesSourceConfig = z.infer<typeof csnFilesSource>;
export type DatasphereSourceConfig = z.infer<typeof datasphereSource>;
export type FileTargetConfig = z.infer<typeof fileTarget>;
export type GlueTargetConfig = z.infer<typeof glueTarget>;
export type ChangeOptions = Config['change'];
export type MappingOptions = Config['mapping'];
