// The composition root: builds every service once and hands them out as one typed object.
import type { Env } from '../config/env.ts';
import type { Database } from '../db/client.ts';
import { Metrics } from '../metrics/metrics.ts';
import type { Logger } from '../log/logger.ts';
import { IngestPipeline } from '../pipeline/ingest.ts';
import { ManualAwardProcessor } from '../pipeline/manual-awards.ts';
import { systemClock, type Clock } from './clock.ts';

export type DiscordStatus = 'disabled' | 'connecting' | 'ready';

export interface Services {
  readonly env: Env;
  readonly logger: Logger;
  readonly database: Database;
  readonly pipeline: IngestPipeline;
  readonly metrics: Metrics;
  readonly clock: Clock;
  readonly adminToken: string;
  discordStatus(): DiscordStatus;
  close(): Promise<void>;
}

export interface ServiceOptions {
  env: Env;
  logger: Logger;
  database: Database;
  adminToken: string;
  clock?: Clock;
  metrics?: Metrics;
}

export async function createServices(options: ServiceOptions): Promise<Services> {
  const { env, logger, database, adminToken } = options;
  const pipeline = new IngestPipeline(database, [new ManualAwardProcessor(logger.child({ module: 'manual-awards' }))], {}, logger.child({ module: 'ingest' }));
  return {
    env,
    logger,
    database,
    pipeline,
    metrics: options.metrics ?? new Metrics(),
    clock: options.clock ?? systemClock,
    adminToken,
    discordStatus: () => 'disabled',
    async close() {
      await database.close();
    },
  };
}
