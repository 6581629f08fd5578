// Onboarding in the data path: a pipeline stage that, inside the batch's transaction, enrolls new
// members (and queues their welcome), notes those who left, and moves members forward on their
// checklist. A completed step and a completed flow become lake events (deterministic source ids)
// written in the same transaction and handed to the stages after (the rules engine pays on
// `onboarding_completed`). Guilds without the flow cost a cached settings lookup; events of other
// types cost a set lookup; members not onboarding cost one indexed query per batch.
import { sql } from 'drizzle-orm';
import { queryRows, type Tx } from '../db/client.ts';
import type { LakeEvent } from '../events/lake-event.ts';
import { writeLakeEvents, type StoredEvent } from '../events/lake-writer.ts';
import type { Logger } from '../log/logger.ts';
import { silentLogger } from '../log/logger.ts';
import type { AfterCommit, EventProcessor } from '../pipeline/ingest.ts';
import type { ConfigStore } from '../rules/config-store.ts';
import { onboardingCompletedEvent, stepCompletedEvent } from './events.ts';
import { matchStep, onboardingFlow, questionnaireAnswered, type CompiledFlow, type CompiledStep } from './flow.ts';
import { activeMembers, completeOnboarding, completeStep, enroll, markLeft, writeOutbox, type ActiveMember, type OutboxItem } from './members.ts';
import { initialWelcomeStatus, welcomeOutbox } from './welcome.ts';

export interface OnboardingProcessorOptions {
  logger?: Logger;
  /** The stages the events onboarding emits go through (the engine, counters), in order. */
  downstream?: readonly EventProcessor[];
}

/** The most events read back to count a step that needs several (count > 1). */
const COUNT_SCAN_LIMIT = 2_000;

export class OnboardingProcessor implements EventProcessor {
  /** Role grants and rewards are side effects: a paused guild's events wait. */
  readonly waitsWhilePaused = true;
  readonly #logger: Logger;
  readonly #downstream: readonly EventProcessor[];
  /** Steps whose `when` does not compile, already logged (per compiled flow). */
  readonly #reported = new WeakSet<CompiledStep>();

  constructor(
    private readonly configs: ConfigStore,
    options: OnboardingProcessorOptions = {},
  ) {
    this.#logger = options.logger ?? silentLogger;
    this.#downstream = options.downstream ?? [];
  }

  async process(tx: Tx, events: StoredEvent[]): Promise<void | AfterCommit> {
    const byGuild = new Map<string, LakeEvent[]>();
    for (const { event } of events) {
      const list = byGuild.get(event.guild_id);
      if (list) list.push(event);
      else byGuild.set(event.guild_id, [event]);
    }
    const emitted: LakeEvent[] = [];
    for (const [guildId, list] of byGuild) {
      const flow = onboardingFlow((await this.configs.get(guildId, tx)).settings);
      if (flow) emitted.push(...(await this.#processGuild(tx, guildId, flow, list)));
    }
    if (emitted.length === 0) return;
    const { inserted } = await writeLakeEvents(tx, emitted, 'onboarding');
    if (inserted.length === 0) return;
    const then: AfterCommit[] = [];
    for (const stage of this.#downstream) {
      const after = await stage.process(tx, inserted);
      if (after) then.push(after);
    }
    if (then.length > 0) return async () => { for (const after of then) await after(); };
  }

  /** The events this guild's batch makes onboarding emit. */
  async #processGuild(tx: Tx, guildId: string, flow: CompiledFlow, events: LakeEvent[]): Promise<LakeEvent[]> {
    const joins = events.filter((e) => e.type === 'member_join').map((e) => ({ userId: e.actor_id, at: e.occurred_at }));
    if (joins.length > 0) {
      const fresh = await enroll(tx, guildId, joins, initialWelcomeStatus(flow));
      if (fresh.length > 0) await this.#welcome(tx, guildId, flow, fresh);
    }
    await markLeft(tx, guildId, events.filter((e) => e.type === 'member_leave').map((e) => ({ userId: e.actor_id, at: e.occurred_at })));
    const relevant = events.filter((e) => flow.eventTypes.has(e.type) || e.type === 'onboarding_step_completed');
    if (relevant.length === 0 || flow.steps.length === 0) return [];
    const members = await activeMembers(tx, guildId, [...new Set(relevant.map((e) => e.actor_id))]);
    if (members.size === 0) return [];
    const emitted: LakeEvent[] = [];
    const progressed = new Map<string, string>();
    for (const event of relevant) {
      const member = members.get(event.actor_id);
      if (!member || event.occurred_at < member.joinedAt) continue;
      if (event.type === 'onboarding_step_completed') {
        if (await this.#questionnaireStep(tx, guildId, flow, member, event)) progressed.set(member.userId, event.occurred_at);
        continue;
      }
      for (const step of flow.steps) {
        if (step.kind !== 'event' || member.done.has(step.key) || !(await this.#counts(tx, guildId, step, member, event))) continue;
        if (!(await completeStep(tx, guildId, member.userId, step.key, event.occurred_at, event.source_id))) continue;
        member.done.add(step.key);
        progressed.set(member.userId, event.occurred_at);
        emitted.push(stepCompletedEvent({ guildId, userId: member.userId, step: step.key, at: event.occurred_at, channelId: event.channel_id, completed: member.done.size, total: flow.steps.length }));
      }
    }
    for (const [userId, at] of progressed) {
      const member = members.get(userId)!;
      if (!flow.steps.every((s) => member.done.has(s.key))) continue;
      const done = await completeOnboarding(tx, guildId, userId, at);
      if (!done.completed) continue;
      emitted.push(onboardingCompletedEvent({ guildId, userId, at, total: flow.steps.length, secondsSinceJoin: done.secondsSinceJoin }));
      await writeOutbox(tx, guildId, flow.settings.completion_role_ids.map((roleId) => ({ kind: 'role_add', payload: { user_id: userId, role_id: roleId, reason: 'onboarding completed' } })));
    }
    return emitted;
  }

  async #welcome(tx: Tx, guildId: string, flow: CompiledFlow, userIds: string[]): Promise<void> {
    const [guild] = await queryRows<{ name: string | null }>(tx, sql`SELECT name FROM guilds WHERE id = ${guildId}`);
    const items: OutboxItem[] = userIds.flatMap((userId) => welcomeOutbox(flow, guildId, userId, guild?.name ?? 'the server'));
    await writeOutbox(tx, guildId, items);
  }

  /**
   * A questionnaire step's event (sent by the bot once the member answered): recorded when the
   * step is a questionnaire step and the stored answers do answer every required question, so an
   * event posted from outside cannot tick a step the member did not do.
   */
  async #questionnaireStep(tx: Tx, guildId: string, flow: CompiledFlow, member: ActiveMember, event: LakeEvent): Promise<boolean> {
    const key = String(event.data.step);
    const step = flow.steps.find((s) => s.key === key);
    if (!step || step.kind !== 'questionnaire' || member.done.has(key)) return false;
    if (!questionnaireAnswered(flow.settings, member.answers)) {
      this.#logger.info({ guildId, userId: member.userId, step: key }, 'questionnaire step event ignored: required questions are unanswered');
      return false;
    }
    if (!(await completeStep(tx, guildId, member.userId, key, event.occurred_at, event.source_id))) return false;
    member.done.add(key);
    return true;
  }

  /** Whether this event brings the member to the step's count (the events since joining, read back when count > 1). */
  async #counts(tx: Tx, guildId: string, step: CompiledStep, member: ActiveMember, event: LakeEvent): Promise<boolean> {
    const match = matchStep(step, event);
    if ('error' in match) {
      if (!this.#reported.has(step)) {
        this.#reported.add(step);
        this.#logger.warn({ guildId, step: step.key, error: match.error }, 'onboarding step skipped: its `when` failed; other steps and rules go on');
      }
      return false;
    }
    if (!match.matches) return false;
    if (step.count <= 1) return true;
    const rows = await queryRows<Pick<LakeEvent, 'source_id' | 'type' | 'channel_id' | 'data'> & { actor_id: string; target_id: string | null; occurred_at: string | Date }>(
      tx,
      sql`SELECT source_id, type, actor_id::text, target_id::text, channel_id::text, occurred_at, data FROM lake_events
          WHERE guild_id = ${guildId} AND actor_id = ${member.userId} AND type = ${step.type!} AND occurred_at >= ${member.joinedAt}
          ORDER BY occurred_at, id LIMIT ${COUNT_SCAN_LIMIT}`,
    );
    let n = 0;
    for (const r of rows) {
      const past: LakeEvent = { ...r, guild_id: guildId, type: r.type, occurred_at: new Date(r.occurred_at).toISOString() };
      const m = matchStep(step, past);
      if ('error' in m || !m.matches) continue;
      if (++n >= step.count) return true;
    }
    return false;
  }
}
