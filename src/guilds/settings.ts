// A guild's settings: the schema every change is validated by (the API, the panel, the /config and
// /settings commands), and the one write path that merges a change, stores it and audit-logs it.
// The stored document is `guilds.settings` (JSON) beside the `name` and `timezone` columns; its
// trigger tells every process (NOTIFY cairn_config), so a change is in force at once everywhere.
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { audit } from '../audit/audit.ts';
import { recordVersion } from '../config-history/record.ts';
import type { Executor } from '../db/client.ts';
import { currencies, guilds, type GuildRow } from '../db/schema.ts';
import { EVENT_TYPES, Snowflake } from '../events/lake-event.ts';
import { LeaderboardPostSchema } from '../ledger/leaderboard-post.ts';
import { DisabledModules } from './modules.ts';
import { OpsSettings } from '../ops/settings.ts';
import { EngagementSettings } from '../analytics/engagement-score.ts';
import { labelProblems, LabelsSetting } from './labels.ts';
import { TicketSettings } from '../tickets/settings.ts';
import { OnboardingSettings } from '../onboarding/settings.ts';

const validTimeZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

/** Per-guild thresholds for rising stars and churn risks (guild settings `analytics`). */
export const AnalyticsSettings = z
  .object({
    window_weeks: z.number().int().min(1).max(12),
    rising_min_events: z.number().int().min(1).max(100_000),
    churn_min_events: z.number().int().min(1).max(100_000),
  })
  .partial()
  .strict();

/** The guild's public leaderboard page (/p/<guild>/leaderboard): off unless switched on, as MEE6's. */
export const PublicLeaderboardSettings = z
  .object({
    enabled: z.boolean(),
    currencies: z.array(z.string().min(1).max(32)).max(10).default([]).meta({ description: 'the currencies shown (keys); empty shows none' }),
  })
  .strict()
  .meta({ id: 'PublicLeaderboardSettings' });
export type PublicLeaderboardSettings = z.output<typeof PublicLeaderboardSettings>;

export const GuildSettingsPatch = z
  .object({
    name: z.string().min(1).max(100),
    timezone: z.string().refine(validTimeZone, 'must be an IANA time zone such as Europe/Paris'),
    announce_channel_id: Snowflake.nullable(),
    announce_interval_seconds: z.number().int().min(0).max(3600),
    admin_role_ids: z.array(Snowflake).max(50),
    staff_role_ids: z.array(Snowflake).max(50).meta({ description: 'roles that may use staff commands (/audit) besides admins and moderators' }),
    retention_days: z.number().int().min(7).max(3650),
    capture: z.partialRecord(z.enum(EVENT_TYPES as [string, ...string[]]), z.boolean()),
    voice_excluded_channels: z.array(Snowflake).max(500),
    leaderboard_post: LeaderboardPostSchema.nullable(),
    labels: LabelsSetting.nullable(),
    analytics: AnalyticsSettings.nullable(),
    accent_color: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour such as #5865f2').nullable().meta({ description: 'the colour of rank cards and the public leaderboard' }),
    public_leaderboard: PublicLeaderboardSettings.nullable(),
    disabled_modules: DisabledModules,
    ...OpsSettings,
    engagement: EngagementSettings.nullable().meta({ description: 'the engagement score\'s weights (default messages × 1 + reactions × 0.5)' }),
    onboarding: OnboardingSettings.nullable().meta({ description: 'the onboarding flow: welcome, questionnaire, checklist, completion' }),
    tickets: TicketSettings.nullable().meta({ description: 'the support desk: where tickets open, staff, limits, transcripts' }),
  })
  .partial()
  .strict()
  .meta({ id: 'GuildSettings' });
export type GuildSettingsPatch = z.output<typeof GuildSettingsPatch>;

/** What GET /settings answers: the columns, the operator's default retention, and the document. */
export function settingsView(g: GuildRow, defaultRetentionDays: number) {
  return { id: g.id, name: g.name, timezone: g.timezone, isDemo: g.isDemo, retention_days: defaultRetentionDays, ...g.settings };
}

/**
 * The settings as versioned (config history): every field GuildSettingsPatch takes, as stored.
 * Other keys of the document (the AI budget, the imported recipe) have their own write paths.
 */
export function settingsDocument(g: Pick<GuildRow, 'name' | 'timezone' | 'settings'>): Record<string, unknown> {
  const all: Record<string, unknown> = { ...g.settings, name: g.name, timezone: g.timezone };
  return Object.fromEntries(Object.keys(GuildSettingsPatch.shape).filter((k) => all[k] !== undefined).map((k) => [k, all[k]]));
}

export type SettingsChange = { ok: true; guild: GuildRow } | { ok: false; code: 'not_found' } | { ok: false; code: 'invalid'; problems: { path: string; message: string }[] };

/** What a change names that this guild does not have (a label's or a leaderboard post's currency). */
async function referenceProblems(exec: Executor, guildId: string, patch: GuildSettingsPatch): Promise<{ path: string; message: string }[]> {
  if (!patch.labels && !patch.leaderboard_post) return [];
  const keys = (await exec.select({ key: currencies.key }).from(currencies).where(eq(currencies.guildId, guildId))).map((c) => c.key);
  const problems = patch.labels ? labelProblems(patch.labels, keys) : [];
  if (patch.leaderboard_post && !keys.includes(patch.leaderboard_post.currency)) problems.push({ path: 'leaderboard_post.currency', message: 'is not a currency of this server' });
  return problems;
}

/**
 * Merges a validated change into the guild's settings (null removes a key), audit-logged and
 * versioned. `unset` removes keys a patch cannot null (a restore of a version without them).
 */
export async function changeSettings(exec: Executor, guildId: string, patch: GuildSettingsPatch, actor: string, options: { unset?: readonly string[] } = {}): Promise<SettingsChange> {
  return exec.transaction(async (tx) => {
    const [g] = await tx.select().from(guilds).where(eq(guilds.id, guildId)).for('update');
    if (!g) return { ok: false, code: 'not_found' } as const;
    const problems = await referenceProblems(tx, guildId, patch);
    if (problems.length > 0) return { ok: false, code: 'invalid', problems } as const;
    const { name, timezone, ...rest } = patch;
    const settings: Record<string, unknown> = { ...g.settings, ...rest };
    for (const [k, v] of Object.entries(rest)) if (v === null) delete settings[k];
    for (const k of options.unset ?? []) if (k !== 'name' && k !== 'timezone') delete settings[k];
    const [row] = await tx.update(guilds).set({ settings, ...(name ? { name } : {}), ...(timezone ? { timezone } : {}) }).where(eq(guilds.id, guildId)).returning();
    const auditId = await audit(tx, { guildId, actor, action: 'guild.settings', entityType: 'guild', entityKey: guildId, before: { name: g.name, timezone: g.timezone, ...g.settings }, after: { name: row!.name, timezone: row!.timezone, ...row!.settings } });
    await recordVersion(tx, { guildId, kind: 'settings', key: guildId, actor, document: settingsDocument(row!), previous: settingsDocument(g), auditId });
    return { ok: true, guild: row! } as const;
  });
}
