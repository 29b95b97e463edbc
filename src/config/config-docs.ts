/**
 * What each setting means, by dotted path; the variant of a discriminated block is a path segment of its own
 * (`source.datasphere.tenantUrl`) and `*` stands for any key of a map (`schedule.spaces.*.cron`). One text
 * serves the JSON Schema's descriptions (editor hovers) and the comments `catalog-sync init` writes, so they
 * never disagree. Defaults are not repeated here: they live in config-schema.ts and are shown from there.
 */
export const CONFIG_DOCS: Readonly<Record<string, string>> = {
  $schema: 'The JSON Schema of this file (schema/catalog-sync.schema.json in the package), for editors; ignored when the file is loaded.',

  job: 'This sync job.',
  'job.name': 'Written into every table this job creates (parameter catalog_sync.owner). Tables without it are never updated, deprecated or deleted; two jobs writing one catalog need two names.',

  source: 'Where assets come from. Its type decides which other keys belong here.',
  'source.type': 'Which kind of source this is.',
  'source.csn-files': 'type csn-files: a folder of Datasphere CSN export files (csn 1.0 and 0.2), read offline.',
  'source.csn-files.path': 'Folder of the export files (*.json), read recursively. Relative paths are resolved against the folder of this config file.',
  'source.csn-files.space': "The space the exported objects belong to (a definition's @DataWarehouse.space.name overrides it).",
  'source.datasphere': 'type datasphere: a live SAP Datasphere tenant over its REST APIs, with an OAuth client of purpose Technical User (docs/datasphere-setup.md).',
  'source.datasphere.tenantUrl': 'The tenant itself: https://<tenant>.<region>.hcs.cloud.sap',
  'source.datasphere.tokenUrl': "The OAuth token endpoint shown under System > Administration > App Integration as 'Token URL': https://<subdomain>.authentication.<region>.hana.ondemand.com/oauth/token",
  'source.datasphere.clientId': 'The OAuth client id of the technical user. Give it as a ${ENV_VAR} reference, like the secret.',
  'source.datasphere.clientSecret': 'The OAuth client secret. A secret: give it as a ${ENV_VAR} reference (e.g. ${DATASPHERE_CLIENT_SECRET}), never literally; values read from the environment are kept out of every log line, checkpoint and report.',
  'source.datasphere.spaces': 'Spaces to sync: technical names or globs (* and ?), e.g. ["SALES", "FIN_*"]. Empty: every space the technical user sees. `sync --space X` narrows a single run further.',
  'source.datasphere.catalogPrefix': 'Catalog API prefix; older tenants serve only /api/v1/dwc/catalog.',
  'source.datasphere.include': 'Asset technical-name globs to sync; empty = all.',
  'source.datasphere.exclude': 'Asset globs to leave out. An asset left out is absent from the source, so a table synced for it earlier is deleted (or deprecated/logged per deletion.policy), within the max-delete guard.',
  'source.datasphere.concurrency': 'HTTP requests to the tenant in flight at once.',
  'source.datasphere.pageSize': '$top for listings (1-500; the catalog serves at most 500 per page, and a short page ends a listing).',
  'source.datasphere.timeoutMs': 'Per HTTP attempt; a timed-out attempt is retried like a network error.',
  'source.datasphere.maxRetries': 'Retries per request for HTTP 429 (honouring Retry-After), 5xx and network errors, with exponential backoff.',
  'source.datasphere.designTime': 'Read design-time CSN first (richer), falling back to the consumption $metadata (EDMX). false: EDMX only, which needs no Data Builder privilege.',
  'source.datasphere.maxRetryAfterSeconds': 'A 429/503 asking to wait longer than this fails the request instead of stalling the run.',

  target: 'Where tables go. Its type decides which other keys belong here.',
  'target.type': 'Which kind of target this is.',
  'target.file': 'type file: a local Glue-shaped catalog, one folder per database and one JSON TableInput per table; exactly what the Glue target would send.',
  'target.file.path': 'Folder the catalog is written to. Relative paths are resolved against the folder of this config file.',
  'target.file.databasePrefix': 'A space maps to database <databasePrefix><space>, lowercased.',
  'target.file.keepVersions': 'Previous versions of each table kept in <database>/.versions/ (as Glue keeps table versions), for `catalog-sync rollback`.',
  'target.glue': 'type glue: the AWS Glue Data Catalog. AWS credentials never go in this file: the AWS SDK finds them in the environment (AWS_ACCESS_KEY_ID, AWS_PROFILE, ...), ~/.aws or the instance/container role.',
  'target.glue.region': 'AWS region of the catalog.',
  'target.glue.endpoint': 'A Glue-compatible endpoint instead of the regional one: a VPC interface endpoint, or a local test server (moto: http://127.0.0.1:5000).',
  'target.glue.catalogId': "The 12-digit account id of the Data Catalog to write to (cross-account catalogs); the caller's own account when not set.",
  'target.glue.databasePrefix': 'A space maps to database <databasePrefix><space>, lowercased. Glue names are lowercase, at most 255 bytes.',
  'target.glue.databaseDescription': 'Description of each database this tool creates; {space} is replaced by the space name. At most 2048 characters.',
  'target.glue.databaseParameters': 'Parameters of each database this tool creates, besides its own. Existing databases are never changed.',
  'target.glue.skipArchive': "UpdateTable without archiving the previous table version. false (the default) keeps Glue's version history, which `catalog-sync rollback` restores; true keeps none, and a rollback of an update is then refused.",
  'target.glue.keepVersions': 'Versions of each of our tables kept after each write; older ones are deleted with BatchDeleteTableVersion, far below Glue\'s 100,000 per table and 1,000,000 per account.',
  'target.glue.maxConcurrency': 'Glue requests in flight at once, across the whole run.',
  'target.glue.maxAttempts': 'Attempts per Glue call, first try included, with adaptive backoff on throttling; when they run out that asset fails (exit 3) and the run goes on.',

  checkpoints: 'The checkpoint: the last synced hashes of every asset, which make the next run incremental.',
  'checkpoints.dir': 'Folder of the checkpoint files (<job>@<sourceSystem>_checkpoints.json) and their backups (backup/). Relative to this file. A checkpoint serves one job and one target: configs sharing the folder need their own job.name.',
  'checkpoints.flushEvery': 'Confirmed entries are made durable after this many writes, at the end of a run and on SIGINT/SIGTERM.',
  'checkpoints.flushIntervalMs': '... but no sooner than this many milliseconds after the previous flush (each flush rewrites the whole file).',
  'checkpoints.backups': 'A backup is taken before every checkpoint write; the newest valid one is always kept.',
  'checkpoints.backups.keep': 'Backups kept at most.',
  'checkpoints.backups.maxAgeDays': 'Backups older than this are removed (0 = no age limit).',

  change: 'What counts as a change.',
  'change.ignoreFields': 'Asset fields left out of every hash, as dotted paths, e.g. "owner" or "columns.description".',
  'change.normalizeWhitespace': 'Trim and collapse whitespace in text before hashing, so reformatting is not a change.',
  'change.caseSensitive': 'false: text differing only in case is not a change.',

  mapping: 'How source types and names become Glue types and names.',
  'mapping.file': 'Type table and naming rules (JSON); the shipped mappings/datasphere-to-glue.json when not set.',
  'mapping.fallbackType': 'Glue type for a source type the table does not know (counted as a warning).',
  'mapping.defaultDecimal': 'Glue type for decimals without precision (cds.Decimal, cds.DecimalFloat, hana.SMALLDECIMAL).',
  'mapping.parameterPrefix': 'Table Parameters carrying business context (labels, dimensions, measures, hierarchies) start with this.',

  deletion: 'What happens to the table of an asset removed from the source, and the guard in front of it.',
  'deletion.policy': 'delete | deprecate (parameter catalog_sync.deprecated_at, table kept) | log (nothing written).',
  'deletion.maxCount': 'A run that would delete or deprecate more tables than this stops before deleting any (exit 4), unless --force.',
  'deletion.maxPercent': '... or more than this percent of the tables this job owns in the databases in scope.',

  conflicts: 'Tables changed in the target since our last write (drift).',
  'conflicts.policy': 'source-wins (rewrite what we own, keep the rest) | target-wins (skip and report) | fail (stop the run, exit 4).',

  sync: 'One run.',
  'sync.concurrency': 'Assets written to the target at once.',

  logging: 'Logs (always on stderr).',
  'logging.level': 'fatal | error | warn | info | debug | trace | silent; the command line --log-level wins.',

  history: 'The run history.',
  'history.file': 'Each run summary is appended here, one JSON object per line. Relative to this file.',
  'history.changeLog': 'One line per table each run touched: run id, time, asset, table, change, facets, strategy, target version before and after, outcome, error. Relative to this file.',
  'history.keepRuns': 'Runs kept in the run history and the change log; older ones are dropped.',

  schedule: 'The daemon (`catalog-sync daemon`): when it syncs on its own.',
  'schedule.cron': 'Cron expression of the incremental sync of every space without its own entry in `spaces`; null = no default schedule.',
  'schedule.timezone': 'IANA time zone the cron expressions are read in, e.g. Europe/Berlin.',
  'schedule.priority': 'Priority of the scheduled jobs in the queue: critical | high | normal | low.',
  'schedule.spaces': 'Per-space schedules, keyed by space name: that space follows its own cron instead of the default one.',
  'schedule.spaces.*.cron': "Cron expression of this space's sync.",
  'schedule.spaces.*.priority': "Priority of this space's jobs: critical | high | normal | low.",
  'schedule.spaces.*.timezone': 'Time zone of this cron expression, when it differs from schedule.timezone.',
  'schedule.refresh': 'The whole-catalog refresh (every space, drift included); null = none.',
  'schedule.refresh.cron': 'Cron expression of the refresh.',
  'schedule.refresh.priority': 'Priority of the refresh job: critical | high | normal | low.',

  jobs: "The daemon's job queue.",
  'jobs.concurrency': 'Jobs (each on its own spaces) that run at once.',
  'jobs.onBusy': 'A job for a space that already has one queued or running: reject (HTTP 409) or queue behind it.',
  'jobs.keepFinished': 'Finished jobs kept in memory for the job API (the run history keeps every run).',
  'jobs.lockRetrySeconds': 'While another run holds the checkpoint lock, queued jobs try to take it again this often.',
  'jobs.shutdownGraceSeconds': 'On SIGTERM/SIGINT, running jobs get this long to reach an asset boundary.',

  api: "The daemon's HTTP job API.",
  'api.host': 'Address it listens on; anything but loopback requires a token (tokenEnv).',
  'api.port': 'TCP port.',
  'api.tokenEnv': 'Name of the environment variable holding the bearer token (the name, not the token); when set, every request must carry it.',
};
