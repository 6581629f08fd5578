// The composition root: builds every service once and hands them out as one typed object.
import type { Env } from '../config/env.ts';
import type { Database } from '../db/client.ts';
import { Metrics } from '../metrics/metrics.ts';
import type { Logger } from '../log/logger.ts';
import { IngestPipeline } from '../pipeline/ingest.ts';
import { MilestoneChecker } from '../milestones/checker.ts';
import { EngineProcessor } from '../pipeline/engine-processor.ts';
import { ConfigStore } from '../rules/config-store.ts';
import { systemClock, type Clock } from './clock.ts';

export type DiscordStatus = 'disabled' | 'connecting' | 'ready';

export interface Services {
  readonly env: Env;
  readonly logger: Logger;
  readonly database: Database;
  readonly pipeline: IngestPipeline;
  readonly configs: ConfigStore;
  readonly engine: EngineProcessor;
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
  const configs = new ConfigStore(database, logger.child({ module: 'config' }));
  await configs.start();
  const engine = new EngineProcessor(configs, logger.child({ module: 'engine' }), new MilestoneChecker());
  const pipeline = new IngestPipeline(database, [engine], {}, logger.child({ module: 'ingest' }));
  return {
    env,
    logger,
    database,
    pipeline,
    configs,
    engine,
    metrics: options.metrics ?? new Metrics(),
    clock: options.clock ?? systemClock,
    adminToken,
    discordStatus: () => 'disabled',
    async close() {
      await configs.stop();
      await database.close();
    },
  };
}
