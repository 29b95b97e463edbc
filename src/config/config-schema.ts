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
  /** Page size for `$top`; the catalog serves at most 500 per page, a listing ends only once `$count` (or one more, empty page) confirms it. */
  pageSize: z.number().int().min(1).max(500).default(100),
  timeoutMs: z.number().int().min(100).default(30_000),
  /** Retries per request for 429, 5xx and network faults. */
  maxRetries: z.number().int().min(0).max(10).default(4),
  /** Read design-time CSN first (richer); false reads the consumption EDMX (`$metadata`) only. */
  designTime: z.boolean().default(true),
  /** A 429/503 asking to wait longer than this fails the request instead of stalling the run. */
  maxRetryAfterSeconds: z.number().int().min(1).max(3600).default(300),
});

const glueSource = z.strictObject({
  type: z.literal('glue'),
  region: z.string().min(1).default('us-east-1'),
  endpoint: z.url().optional(),
  catalogId: z.string().regex(/^\d{12}$/, 'a 12-digit AWS account id').optional(),
  /** Database globs to replicate (`sales_*`); empty = every database of the catalog. */
  databases: z.array(z.string().min(1)).default([]),
  excludeDatabases: z.array(z.string().min(1)).default([]),
  /** Table globs; a table left out is absent from the source, so its replica is deleted (max-delete guarded). */
  tables: z.array(z.string().min(1)).default([]),
  excludeTables: z.array(z.string().min(1)).default([]),
  /** Replicate partitions too, incrementally (a per-table digest; see README). */
  partitions: z.boolean().default(false),
  maxConcurrency: z.number().int().min(1).max(64).default(8),
  maxAttempts: z.number().int().min(1).max(20).default(6),
});

const fileTarget = z.strictObject({
  type: z.literal('file'),
  /** Folder the Glue-shaped catalog is written to: one folder per database, one JSON file per table. */
  path: z.string().min(1),
  databasePrefix: z.string().default('ds_'),
  /** Previous versions of each table kept beside it (`<database>/.versions/`), as Glue keeps table versions. */
  keepVersions: z.number().int().min(1).max(100_000).default(10),
});

const glueTarget = z.strictObject({
  type: z.literal('glue'),
  region: z.string().min(1).default('us-east-1'),
  endpoint: z.url().optional(),
  catalogId: z.string().regex(/^\d{12}$/, 'a 12-digit AWS account id').optional(),
  databasePrefix: z.string().default('ds_'),
  databaseDescription: z.string().max(2048).optional(),
  databaseParameters: z.record(z.string(), z.string()).default({}),
  /** false keeps the previous version of every table we update (what `rollback` restores); true keeps none. */
  skipArchive: z.boolean().default(false),
  /** Versions of each of our tables kept after a write; older ones are deleted (BatchDeleteTableVersion). */
  keepVersions: z.number().int().min(1).max(100_000).default(10),
  /**
   * Update a table our last write left holding only our own build without reading it first, conditional on the
   * VersionId that write produced; false reads every table before updating it (a server that ignores VersionId).
   */
  writeUnread: z.boolean().default(true),
  maxConcurrency: z.number().int().min(1).max(64).default(8),
  maxAttempts: z.number().int().min(1).max(20).default(6),
  /** Locations of tables replicated from a Glue source, moved for this account: the longest matching `from` wins. */
  locationRewrites: z.array(z.strictObject({ from: z.string().min(1), to: z.string() })).default([]),
  /** Space (a Glue source's database) → database, instead of `<databasePrefix><space>` for the ones named. */
  databaseRename: z.record(z.string().min(1), z.string().min(1)).default({}),
});

/** Order in which queued daemon jobs start. */
/** One `storage.rules` entry (mapping/storage-rules.ts resolves it; mappings/storage-formats.json spells the formats). */
const storageRule = z.strictObject({
  match: z
    .strictObject({
      space: z.string().min(1).optional(),
      name: z.string().min(1).optional(),
      kind: z.enum(['table', 'view', 'remote-table', 'analytic-model', 'dimension', 'fact', 'text', 'hierarchy']).optional(),
    })
    .prefault({}),
  location: z.string().regex(/^s3a?:\/\/[^/]+/, 'an S3 URI, s3://bucket/prefix/'),
  format: z.enum(['parquet', 'csv', 'json', 'orc', 'avro']),
  csv: z
    .strictObject({
      delimiter: z.string().min(1).max(1).default(','),
      header: z.boolean().default(false),
      quote: z.string().max(1).nullable().default(null),
      escape: z.string().min(1).max(1).default('\\'),
    })
    .prefault({}),
  partitionKeys: z
    .array(z.strictObject({ name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), type: z.string().min(1).optional() }))
    .default([]),
});

/**
 * A record of Lake Formation LF-Tag key → field. Keys are checked here rather than by the record's key schema, so
 * the JSON Schema keeps accepting comment keys (`//`) in these objects as in every other.
 */
const LF_TAG_KEY = /^[a-z0-9_.:/=+\-@%]{1,50}$/;
function lfTagMap<const F extends readonly [string, ...string[]]>(fields: F) {
  return z.record(z.string(), z.enum(fields)).superRefine((map, ctx) => {
    for (const key of Object.keys(map)) {
      if (!LF_TAG_KEY.test(key)) {
        ctx.addIssue({ code: 'custom', path: [key], message: 'an LF-Tag key: 1-50 lowercase letters, digits or _ . : / = + - @ % (Lake Formation stores keys lowercase)' });
      }
    }
  });
}

const jobPriority = z.enum(['critical', 'high', 'normal', 'low']);

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
  source: z.discriminatedUnion('type', [csnFilesSource, datasphereSource, glueSource]),
  target: z.discriminatedUnion('type', [fileTarget, glueTarget]),
  checkpoints: z
    .strictObject({
      dir: z.string().min(1).default('checkpoints'),
      /** Confirmed entries are made durable after this many writes (and at the end, and on SIGINT/SIGTERM). */
      flushEvery: z.number().int().min(1).default(25),
      /** ... but no sooner than this after the previous flush (a flush appends to the journal and fsyncs it). */
      flushIntervalMs: z.number().int().min(0).default(1000),
      /** `gzip` writes the checkpoint snapshot gzip-compressed (same file name); either kind is always read. */
      compression: z.enum(['none', 'gzip']).default('none'),
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
      /** Which hashes are computed and compared; a facet switched off is neither hashed nor compared. */
      facets: z
        .strictObject({
          content: z.boolean().default(true),
          schema: z.boolean().default(true),
          metadata: z.boolean().default(true),
        })
        .prefault({}),
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
  storage: z
    .strictObject({
      /** First match wins; an asset no rule matches keeps whatever storage its table has (someone else's). */
      rules: z.array(storageRule).default([]),
      /** LocationUri of each database created; `{space}` is replaced. Not set: databases get none. */
      databaseLocation: z.string().regex(/^s3a?:\/\/[^/]+/, 'an S3 URI, s3://bucket/prefix/').optional(),
    })
    .prefault({}),
  governance: z
    .strictObject({
      /** Lake Formation LF-Tags from business context (Glue target only); off by default, since tags grant access. */
      lfTags: z
        .strictObject({
          enabled: z.boolean().default(false),
          /** Account whose LF-Tags are used; the target catalog's (or the caller's) when null. */
          catalogId: z.string().regex(/^\d{12}$/, 'a 12-digit AWS account id').nullable().default(null),
          database: lfTagMap(['space']).default({ ds_space: 'space' }),
          table: lfTagMap(['space', 'kind', 'modelingPattern', 'certification']).default({ ds_pattern: 'modelingPattern' }),
          column: lfTagMap(['role', 'semantics']).default({ ds_role: 'role' }),
        })
        .prefault({}),
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
      /**
       * Share of the assets in scope (0-1): when more of them need their table read (writes, deletions), the run
       * reads the target in bulk, one listing per database, instead of table by table. 1 = never.
       */
      fullSyncThreshold: z.number().min(0).max(1).default(0.5),
      /**
       * When `sync` refreshes on its own (reads the whole target and compares every table with the checkpoint):
       * after this many runs without a refresh, or once the last refresh is this old, whichever comes first;
       * null turns that trigger off. `sync --refresh` refreshes whatever this says.
       */
      refresh: z
        .strictObject({
          everyRuns: z.number().int().min(1).nullable().default(null),
          maxAgeHours: z.number().positive().nullable().default(168),
        })
        .prefault({}),
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
      /** One line per table each run touched (what, how, target version before and after, outcome). */
      changeLog: z.string().default('checkpoints/change-log.jsonl'),
      /** Runs kept in the history and the change log; older ones are dropped. */
      keepRuns: z.number().int().min(1).max(1_000_000).default(1000),
    })
    .prefault({}),
  /** The daemon (`catalog-sync daemon`): when it syncs on its own. Times are read in `timezone`. */
  schedule: z
    .strictObject({
      /** Incremental sync of every space without an entry in `spaces`; null = no default schedule. */
      cron: z.string().min(1).nullable().default('0 2 * * *'),
      /** IANA time zone the cron expressions are read in (e.g. `Europe/Berlin`). */
      timezone: z.string().min(1).default('UTC'),
      priority: jobPriority.default('normal'),
      /** Per-space overrides, keyed by space name: that space follows its own cron instead of the default one. */
      spaces: z
        .record(
          z.string().min(1),
          z.strictObject({
            cron: z.string().min(1),
            priority: jobPriority.default('normal'),
            /** This space's own time zone, when it differs from `schedule.timezone`. */
            timezone: z.string().min(1).optional(),
          }),
        )
        .default({}),
      /** The whole-catalog refresh (every space, overrides included); null = none. */
      refresh: z
        .strictObject({
          cron: z.string().min(1),
          priority: jobPriority.default('low'),
        })
        .nullable()
        .default({ cron: '0 3 * * 0', priority: 'low' }),
    })
    .prefault({}),
  jobs: z
    .strictObject({
      /** Jobs (each on its own spaces) that sync at once. */
      concurrency: z.number().int().min(1).max(16).default(2),
      /** A job for a space that already has a job queued or running: `reject` (HTTP 409) or `queue` behind it. */
      onBusy: z.enum(['reject', 'queue']).default('reject'),
      /** Finished jobs kept in memory for `GET /api/v1/sync/...` (the run history keeps every run). */
      keepFinished: z.number().int().min(1).max(100_000).default(500),
      /** While a manual run holds the checkpoint lock, queued jobs try to take it again this often. */
      lockRetrySeconds: z.number().min(0.01).max(3600).default(5),
      /** On SIGTERM/SIGINT, running jobs get this long to reach an asset boundary before the daemon gives up on them. */
      shutdownGraceSeconds: z.number().min(0).max(3600).default(30),
    })
    .prefault({}),
  api: z
    .strictObject({
      /** Address the job API listens on; anything but loopback requires a token (`tokenEnv`). */
      host: z.string().min(1).default('127.0.0.1'),
      port: z.number().int().min(0).max(65_535).default(8787),
      /** Name of the environment variable holding the bearer token; when set, every API request must carry it. */
      tokenEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name').optional(),
    })
    .prefault({}),
}).superRefine((config, ctx) => {
  // LF-Tags are Lake Formation's: a file target has nowhere to put them, and silently ignoring them would hide that.
  if (config.governance.lfTags.enabled && config.target.type !== 'glue') {
    ctx.addIssue({ code: 'custom', path: ['governance', 'lfTags', 'enabled'], message: 'LF-Tags need target.type glue' });
  }
});

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
export type CsnFilesSourceConfig = z.infer<typeof csnFilesSource>;
export type DatasphereSourceConfig = z.infer<typeof datasphereSource>;
export type GlueSourceConfig = z.infer<typeof glueSource>;
export type FileTargetConfig = z.infer<typeof fileTarget>;
export type GlueTargetConfig = z.infer<typeof glueTarget>;
export type ChangeOptions = Config['change'];
export type MappingOptions = Config['mapping'];
export type JobPriority = z.infer<typeof jobPriority>;
export type StorageRuleConfig = z.infer<typeof storageRule>;
