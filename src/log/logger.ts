// One pino logger for the process; modules take child loggers. Secrets are redacted by path.
import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

/** Paths whose values never reach a log line, at any nesting we use. */
export const REDACT_PATHS = [
  'token',
  '*.token',
  'adminToken',
  '*.adminToken',
  'authorization',
  '*.authorization',
  '*.headers.authorization',
  '*.headers.cookie',
  '*.headers["set-cookie"]',
  'cookie',
  '*.cookie',
  'password',
  '*.password',
  'secret',
  '*.secret',
  'apiKey',
  '*.apiKey',
  'DISCORD_TOKEN',
  '*.DISCORD_TOKEN',
  'DISCORD_CLIENT_SECRET',
  '*.DISCORD_CLIENT_SECRET',
  'GEMINI_API_KEY',
  '*.GEMINI_API_KEY',
  'CAIRN_ADMIN_TOKEN',
  '*.CAIRN_ADMIN_TOKEN',
  'DATABASE_URL',
  '*.DATABASE_URL',
];

export function createLogger(
  options: { level?: LevelWithSilent; name?: string } = {},
  destination?: pino.DestinationStream,
): Logger {
  const config = {
    name: options.name ?? 'cairn',
    level: options.level ?? 'info',
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination ? pino(config, destination) : pino(config);
}

/** A logger that writes nothing, for tests and library callers. */
export const silentLogger: Logger = pino({ level: 'silent' });
