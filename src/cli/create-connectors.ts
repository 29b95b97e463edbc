import path from 'node:path';
import type { Source } from '../catalog/source.ts';
import type { Target } from '../catalog/target.ts';
import type { Config } from '../config/config-schema.ts';
import type { EngineLogger } from '../engine/engine-logger.ts';
import { CsnFilesSource } from '../connectors/csn-files/csn-files-source.ts';
import { DatasphereSource } from '../connectors/datasphere/datasphere-source.ts';
import { FileTarget } from '../connectors/file/file-target.ts';
// Holds no AWS SDK itself: the SDK is loaded when the source first reads (glue-source.ts).
import { GlueSource } from '../connectors/glue/glue-source.ts';
import { loadMapping } from '../mapping/load-mapping.ts';
import { StorageRulesSource } from '../mapping/storage-rules-source.ts';
import { LfTagsSource } from '../mapping/lf-tags-source.ts';
import { replaceAwsSdkNodeNotice } from './aws-sdk-node-notice.ts';

/**
 * The one place that knows which connector serves which `type`. With `storage.rules`, a Datasphere or CSN source's
 * assets leave it with their storage part set (mapping/storage-rules-source.ts); a Glue source's carry their own.
 * With `governance.lfTags` enabled, every asset leaves it with the LF-Tags it wants (mapping/lf-tags-source.ts).
 */
export function createSource(config: Config, logger?: EngineLogger): Source {
  const source = connectorSource(config, logger);
  const stored = config.storage.rules.length === 0 || config.source.type === 'glue' ? source : new StorageRulesSource(source, config.storage.rules);
  const lfTags = config.governance.lfTags;
  return lfTags.enabled ? new LfTagsSource(stored, { database: lfTags.database, table: lfTags.table, column: lfTags.column }) : stored;
}

function connectorSource(config: Config, logger?: EngineLogger): Source {
  const source = config.source;
  switch (source.type) {
    case 'csn-files':
      return new CsnFilesSource({ path: source.path, space: source.space });
    case 'datasphere':
      return new DatasphereSource({
        tenantUrl: source.tenantUrl,
        tokenUrl: source.tokenUrl,
        clientId: source.clientId,
        clientSecret: source.clientSecret,
        spaces: source.spaces,
        catalogPrefix: source.catalogPrefix,
        include: source.include,
        exclude: source.exclude,
        concurrency: source.concurrency,
        pageSize: source.pageSize,
        timeoutMs: source.timeoutMs,
        maxRetries: source.maxRetries,
        designTime: source.designTime,
        maxRetryAfterSeconds: source.maxRetryAfterSeconds,
        ...(logger ? { logger } : {}),
      });
    case 'glue':
      replaceAwsSdkNodeNotice(logger);
      return new GlueSource({
        region: source.region,
        ...(source.endpoint !== undefined ? { endpoint: source.endpoint } : {}),
        ...(source.catalogId !== undefined ? { catalogId: source.catalogId } : {}),
        databases: source.databases,
        excludeDatabases: source.excludeDatabases,
        tables: source.tables,
        excludeTables: source.excludeTables,
        partitions: source.partitions,
        maxConcurrency: source.maxConcurrency,
        maxAttempts: source.maxAttempts,
        ...(logger ? { logger } : {}),
      });
  }
}

export async function createTarget(config: Config, logger?: EngineLogger): Promise<Target> {
  const mapping = await loadMapping(config.mapping);
  const target = config.target;
  // A database replicated from a Glue source is not a Datasphere space: without a configured template it gets no
  // Description ("" asks for none), rather than the Datasphere one (mapping/database-description.ts).
  const noDatasphereDescription = config.source.type === 'glue' ? { databaseDescription: '' } : {};
  switch (target.type) {
    case 'file':
      return new FileTarget({ path: target.path, databasePrefix: target.databasePrefix, job: config.job.name, mapping, keepVersions: target.keepVersions, ...noDatasphereDescription, ...(logger ? { logger } : {}) });
    case 'glue': {
      // Loaded on demand: runs against the file target never pay for loading the AWS SDK.
      replaceAwsSdkNodeNotice(logger);
      const options = {
        region: target.region,
        ...(target.endpoint !== undefined ? { endpoint: target.endpoint } : {}),
        ...(target.catalogId !== undefined ? { catalogId: target.catalogId } : {}),
        databasePrefix: target.databasePrefix,
        ...(target.databaseDescription !== undefined ? { databaseDescription: target.databaseDescription } : noDatasphereDescription),
        ...(config.storage.databaseLocation !== undefined ? { databaseLocationUri: config.storage.databaseLocation } : {}),
        databaseParameters: target.databaseParameters,
        skipArchive: target.skipArchive,
        keepVersions: target.keepVersions,
        writeUnread: target.writeUnread,
        // Beside the checkpoints: the job's own record of the tables it deleted, which rollback recreates.
        deletedArchiveDir: path.join(config.checkpoints.dir, 'deleted-tables', config.job.name),
        maxConcurrency: target.maxConcurrency,
        maxAttempts: target.maxAttempts,
        job: config.job.name,
        // Moves the S3 locations of tables replicated from a Glue source (mapping/location-rewrites.ts).
        mapping: { ...mapping, locationRewrites: target.locationRewrites },
        // LF-Tags: the Lake Formation SDK itself is loaded only when a run first has tags to read or write.
        ...(config.governance.lfTags.enabled
          ? { lfTags: config.governance.lfTags.catalogId !== null ? { catalogId: config.governance.lfTags.catalogId } : {} }
          : {}),
      };
      // A Glue source's replica (partitions, renamed databases) needs the replica target; anything else the plain one.
      if (config.source.type === 'glue' || Object.keys(target.databaseRename).length > 0) {
        const { GlueReplicaTarget } = await import('../connectors/glue/glue-replica-target.ts');
        return new GlueReplicaTarget({ ...options, databaseRename: target.databaseRename });
      }
      const { GlueTarget } = await import('../connectors/glue/glue-target.ts');
      return new GlueTarget(options);
    }
  }
}
