// The operations service: the pause switch, the ops log and channel, the AI probe, and the health
// view assembled from them — for one guild (its admins) or every guild (the operator).
import type { AiService } from '../ai/index.ts';
import type { Clock } from '../app/clock.ts';
import { sql } from 'drizzle-orm';
import { queryRows, type Database } from '../db/client.ts';
import type { DiscordBot } from '../discord/bot.ts';
import { changeSettings, type SettingsChange } from '../guilds/settings.ts';
import type { Logger } from '../log/logger.ts';
import type { EventProcessor } from '../pipeline/ingest.ts';
import { AiProbe, type AiProbeResult } from './ai-probe.ts';
import { discordHealth, type DiscordHealth } from './discord-health.ts';
import { databaseHealth, hourlyEvents, jobHealth, lakeHealth, outboxHealth, ruleHealth, type DatabaseHealth, type HourlyEvents, type LakeHealth, type OutboxHealth, type RuleHealthSummary } from './health.ts';
import type { JobRun } from './job-runs.ts';
import { OpsLog, recentOpsErrors, type OpsErrorRow } from './ops-log.ts';
import { GuildPause, type ResumeResult } from './pause.ts';
import { opsSignals, SignalCache } from './signals.ts';

export interface OperationsDeps {
  database: Database;
  /** The processors that wait while a guild is paused. */
  processors: EventProcessor[];
  ai: AiService;
  clock: Clock;
  logger: Logger;
  channelOf: (guildId: string) => Promise<string | null>;
  discord: () => DiscordBot | undefined;
}

export interface HealthView {
  status: 'ok' | 'degraded' | 'down';
  reasons: string[];
  checkedAt: string;
  database: DatabaseHealth;
  discord: DiscordHealth;
  ai: AiProbeResult;
  /** The rest needs the database: null while it is down. */
  outbox: OutboxHealth | null;
  rules: RuleHealthSummary[] | null;
  jobs: (JobRun & { lastRunAgeSeconds: number | null })[] | null;
  lake: LakeHealth | null;
  paused: { guildId: string; paused: boolean; heldEvents: number }[] | null;
}

export interface GuildHealthView extends HealthView {
  guildId: string;
  hourly: HourlyEvents | null;
  errors: OpsErrorRow[] | null;
}

export class Operations {
  readonly pause: GuildPause;
  readonly log: OpsLog;
  readonly aiProbe: AiProbe;
  /** What /healthz and /metrics carry, read at most every few seconds. */
  readonly signals: SignalCache;
  readonly #deps: OperationsDeps;

  constructor(deps: OperationsDeps) {
    this.#deps = deps;
    this.pause = new GuildPause({}, { database: deps.database, processors: deps.processors, logger: deps.logger, onReplayed: () => deps.discord()?.outbox.wake() });
    this.log = new OpsLog({}, { db: deps.database.db, channelOf: deps.channelOf, clock: deps.clock, logger: deps.logger });
    this.aiProbe = new AiProbe(deps.ai);
    this.signals = new SignalCache(() => opsSignals(deps.database.db, deps.clock.now()));
  }

  /** Pauses or unpauses a guild (audit-logged through the settings); unpausing pays what waited, in order. */
  async setPaused(guildId: string, paused: boolean, actor: string): Promise<{ ok: true; paused: boolean; resumed?: ResumeResult } | Exclude<SettingsChange, { ok: true }>> {
    const db = this.#deps.database.db;
    // The settings' one write path: audit-logged (guild.settings, with the diff) and announced to every process.
    const changed = await changeSettings(db, guildId, { paused }, actor);
    if (!changed.ok) return changed;
    void this.log.report(guildId, paused ? 'paused' : 'resumed', paused ? `paused by ${actor}: payouts and Discord actions wait until unpaused` : `unpaused by ${actor}: held events are paid in order`, 'info');
    if (paused) return { ok: true, paused };
    const resumed = await this.pause.resume(guildId);
    this.#deps.discord()?.outbox.wake();
    return { ok: true, paused, resumed };
  }

  /** The health view of every guild (operator). */
  async health(): Promise<HealthView> {
    return this.#view(undefined);
  }

  /** The health view of one guild (its admins). */
  async guildHealth(guildId: string): Promise<GuildHealthView> {
    const db = this.#deps.database.db;
    const now = this.#deps.clock.now();
    // Read beside the rest; a database that is down fails these too, and the view says so.
    const extra = Promise.all([hourlyEvents(db, guildId, now), recentOpsErrors(db, guildId)]).catch(() => null);
    const [view, parts] = await Promise.all([this.#view(guildId), extra]);
    if (!view.database.reachable || !parts) return { ...view, guildId, hourly: null, errors: null };
    return { ...view, guildId, hourly: parts[0], errors: parts[1] };
  }

  async #view(guildId: string | undefined): Promise<HealthView> {
    const { database, clock } = this.#deps;
    const now = clock.now();
    const [dbHealth, ai] = await Promise.all([databaseHealth(database), this.aiProbe.check()]);
    const discord = discordHealth(this.#deps.discord());
    const base = { checkedAt: now.toISOString(), database: dbHealth, discord, ai };
    if (!dbHealth.reachable) {
      return { ...base, status: 'down', reasons: [`the database does not answer: ${dbHealth.error ?? 'unknown error'}`], outbox: null, rules: null, jobs: null, lake: null, paused: null };
    }
    const db = database.db;
    const [outbox, rules, jobs, lake, held] = await Promise.all([outboxHealth(db, guildId), ruleHealth(db, now, guildId), jobHealth(db, now), lakeHealth(db, now, guildId), this.pause.held(guildId)]);
    const pausedIds = await this.#pausedGuilds(guildId);
    const paused = [...new Set([...pausedIds, ...held.keys()])].sort().map((g) => ({ guildId: g, paused: pausedIds.includes(g), heldEvents: held.get(g) ?? 0 }));
    const reasons: string[] = [];
    if (ai.state === 'unreachable') reasons.push(`AI (Gemini) is unreachable: ${ai.error}`);
    if (discord.state === 'connecting') reasons.push('the Discord gateway is not connected');
    if (outbox.failed > 0) reasons.push(`${outbox.failed} Discord action(s) failed for good`);
    for (const r of rules) if (r.quarantined.length > 0) reasons.push(`${r.quarantined.length} rule(s) quarantined${guildId ? '' : ` in guild ${r.guildId}`}`);
    for (const j of jobs) if (j.lastOutcome === 'failed') reasons.push(`scheduled job ${j.name} failed on its last run: ${j.lastError ?? ''}`);
    const status = reasons.length > 0 ? 'degraded' : 'ok';
    return { ...base, status, reasons, outbox, rules, jobs, lake, paused };
  }

  async #pausedGuilds(guildId: string | undefined): Promise<string[]> {
    const rows = await queryRows<{ g: string }>(
      this.#deps.database.db,
      sql`SELECT id::text AS g FROM guilds WHERE settings @> '{"paused": true}'::jsonb ${guildId ? sql`AND id = ${guildId}` : sql``}`,
    );
    return rows.map((r) => r.g);
  }
}
