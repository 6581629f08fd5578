// `npm start`: one process running everything. Configuration errors exit 1 with the variable named.
import { ConfigError, parseEnv } from './config/env.ts';
import { createLogger } from './log/logger.ts';
import { startCairn } from './app/start.ts';

async function main(): Promise<void> {
  let env;
  try {
    env = parseEnv(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`cairn: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger({ level: env.LOG_LEVEL });
  const cairn = await startCairn(env, logger);
  const lines = [`Cairn is running at ${cairn.url}`, `  Panel:  ${cairn.url}/`, `  Health: ${cairn.url}/healthz`];
  if (cairn.adminToken.origin === 'generated') {
    lines.push(`  Admin token (shown once; stored in ${cairn.adminToken.file}):`, `    ${cairn.adminToken.token}`);
  } else if (cairn.adminToken.origin === 'stored') {
    lines.push(`  Admin token: stored in ${cairn.adminToken.file}`);
  } else {
    lines.push('  Admin token: from CAIRN_ADMIN_TOKEN');
  }
  process.stdout.write(lines.join('\n') + '\n');

  let signals = 0;
  const shutdown = (signal: string) => {
    if (++signals > 1) process.exit(1);
    logger.info({ signal }, 'shutting down');
    cairn.stop().then(
      () => process.exit(0),
      (error) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`cairn: failed to start: ${message}\n`);
  process.exit(1);
});
