// The environment, parsed once at the entry point. Nothing else in Cairn reads process.env.
import { z } from 'zod';
import { RolesSchema } from '../app/roles.ts';
import { parseShardIds, ShardSpecError } from '../discord/shards.ts';

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

/** A per-minute rate limit: a whole number, 0 meaning no limit. */
const rateLimit = (fallback: number) => z.coerce.number().int('must be a whole number').min(0, 'must be 0 (no limit) or more').max(10_000_000).default(fallback);

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const EnvSchema = z.object({
  DATABASE_URL: optionalString.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      .optional(),
  ),
  DATA_DIR: z.string().trim().min(1).default('./data'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  LOG_LEVEL: z.enum(logLevels).default('info'),
  /** What this process runs: any of bot, api, jobs, comma-separated (default all three). */
  CAIRN_ROLES: RolesSchema,
  CAIRN_ADMIN_TOKEN: optionalString.pipe(
    z.string().min(16, 'must be at least 16 characters').optional(),
  ),
  CAIRN_DEMO_GUILD: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  /** Days the lake keeps raw events for guilds that do not choose (settings.retention_days). */
  CAIRN_RETENTION_DAYS: z.coerce.number().int().min(7).max(3650).default(90),
  CAIRN_MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(1_048_576),
  CAIRN_BASE_URL: optionalString.pipe(z.string().url().optional()),
  DISCORD_TOKEN: optionalString,
  DISCORD_API_URL: optionalString.pipe(z.string().url().optional()),
  DISCORD_CLIENT_ID: optionalString,
  DISCORD_CLIENT_SECRET: optionalString,
  DISCORD_PRIVILEGED_INTENTS: z
    .string()
    .trim()
    .default('GuildMembers,MessageContent')
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean)),
  /** Shards of the whole bot: a number, or `auto` (Discord's recommendation from GET /gateway/bot). Unset: one shard. */
  DISCORD_SHARD_COUNT: optionalString.pipe(
    z
      .union([
        z.literal('auto'),
        z
          .string()
          .regex(/^\d+$/, 'must be a whole number or auto')
          .transform(Number)
          .pipe(z.number().min(1, 'must be 1 or more, or auto').max(65_536, 'must be at most 65536')),
      ])
      .optional(),
  ),
  /** The shard ids this process runs, e.g. `0-3` or `4,5`; unset: every shard of DISCORD_SHARD_COUNT. */
  DISCORD_SHARDS: optionalString.transform((v, ctx) => {
    if (v === undefined) return undefined;
    try {
      return parseShardIds(v);
    } catch (error) {
      if (!(error instanceof ShardSpecError)) throw error;
      ctx.addIssue({ code: 'custom', message: error.message });
      return z.NEVER;
    }
  }),
  GEMINI_API_KEY: optionalString,
  GEMINI_BASE_URL: optionalString.pipe(z.string().url().optional()),
  GEMINI_MODEL: z.string().trim().min(1).default('gemini-2.5-flash'),
  GEMINI_TIMEOUT_SECONDS: z.coerce.number().positive().max(600).default(20),
  /** JSON price table over the defaults: {"model": {"input": usdPerMillion, "output": usdPerMillion}}. */
  CAIRN_AI_PRICES: optionalString,
  /** Longest a message waits for its AI quality score before rules see null. */
  CAIRN_AI_QUALITY_TIMEOUT_MS: z.coerce.number().int().positive().max(60_000).default(3_000),
  /** API requests per minute per credential, and per guild over all its credentials, in each bucket (ingest, analytics, api); 0 = no limit. */
  CAIRN_RATE_LIMIT_REQUESTS: rateLimit(600),
  /** The same for expensive routes: dry runs, previews, imports, milestone rechecks, AI calls, season rolls. */
  CAIRN_RATE_LIMIT_EXPENSIVE: rateLimit(120),
  /** Events per minute a guild may send through POST /events; 0 = no limit. */
  CAIRN_RATE_LIMIT_EVENTS: rateLimit(6_000),
})
  // Discord sends the browser back to the redirect URI, so it is built from CAIRN_BASE_URL and never
  // from a request's Host header (which any client sets). HOST/PORT are where Cairn listens, not the
  // public URL registered with Discord (a proxy, TLS, a domain), so they cannot stand in for it.
  .superRefine((env, ctx) => {
    if (env.DISCORD_SHARDS && env.DISCORD_SHARD_COUNT === undefined) {
      ctx.addIssue({ code: 'custom', path: ['DISCORD_SHARDS'], message: 'needs DISCORD_SHARD_COUNT (a number, or auto): the shard ids only mean something against the total' });
    }
    const count = env.DISCORD_SHARD_COUNT;
    const outside = typeof count === 'number' ? (env.DISCORD_SHARDS ?? []).filter((id) => id >= count) : [];
    if (typeof count === 'number' && outside.length > 0) {
      ctx.addIssue({ code: 'custom', path: ['DISCORD_SHARDS'], message: `lists shard ${outside.join(', ')}, out of range for DISCORD_SHARD_COUNT=${count} (ids 0-${count - 1})` });
    }
    if (env.DISCORD_CLIENT_ID && env.DISCORD_CLIENT_SECRET && !env.CAIRN_BASE_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['CAIRN_BASE_URL'],
        message: 'is required when DISCORD_CLIENT_ID and DISCORD_CLIENT_SECRET are set: the public URL of the panel (e.g. https://cairn.example.org), whose /api/auth/discord/callback is registered as a redirect in the Discord application',
      });
    }
  });

export type Env = z.infer<typeof EnvSchema>;

/** A bad variable, named, with what is wrong with it. */
export class ConfigError extends Error {
  constructor(readonly issues: { variable: string; message: string }[]) {
    super(
      'Invalid configuration: ' + issues.map((i) => `${i.variable} ${i.message}`).join('; '),
    );
    this.name = 'ConfigError';
  }
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = EnvSchema.safeParse(source);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => ({
      variable: String(issue.path[0] ?? '(environment)'),
      message: issue.message,
    })),
  );
}
