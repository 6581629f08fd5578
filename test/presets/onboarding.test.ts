// Presets carry an onboarding flow (settings.onboarding): imported with their placeholders bound,
// diffed leaf by leaf, exported back, kept or removed by merge and replace, refused with a path when
// malformed; and through `simulate`, a new member who does the checklist is paid the preset's
// welcome reward once.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { guilds, outbox } from '../../src/db/schema.ts';
import { changeSettings } from '../../src/guilds/settings.ts';
import { onboardingSettings } from '../../src/onboarding/settings.ts';
import { diffText } from '../../src/presets/diff-text.ts';
import { exportGuild } from '../../src/presets/export.ts';
import { importRecipe, parseRecipe } from '../../src/presets/import.ts';
import type { Recipe } from '../../src/presets/recipe.ts';
import { simulate } from '../../src/presets/simulate.ts';
import { createTestDatabase, resetDatabase, type TestDatabase } from '../support/db.ts';
import { GUILD } from '../support/factories.ts';
import type { LakeEvent } from '../../src/events/lake-event.ts';

const load = (file: string): Recipe => {
  const parsed = parseRecipe(JSON.parse(readFileSync(join(import.meta.dirname, '../../presets', file), 'utf8')));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.recipe;
};

const CHANNELS = { announcements: '600000000000000009', introductions: '600000000000000010', rules: '600000000000000011', volunteering_voice: '600000000000000077', thanks: '600000000000000078', code_of_conduct: '600000000000000079' };
const ROLES = { rising_star: '700000000000000009', member: '700000000000000010', coordinator: '700000000000000077', volunteer: '700000000000000078', events_team: '700000000000000079', outreach_team: '700000000000000080', support_team: '700000000000000081' };
const bindings = { channels: CHANNELS, roles: ROLES };

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});
beforeEach(async () => {
  await resetDatabase(database);
});

const storedFlow = async () => (await database.db.select().from(guilds).where(eq(guilds.id, GUILD)))[0]?.settings.onboarding as Record<string, unknown> | undefined;

describe('presets with an onboarding flow', () => {
  it.each(['community-engagement.json', 'nonprofit-volunteers.json'])('%s imports its flow with bound ids, exports it back, and re-imports as a no-op', async (file) => {
    const recipe = load(file);
    const first = await importRecipe(database.db, GUILD, recipe, { bindings, actor: 'test' });
    expect(first).toMatchObject({ ok: true, applied: true });
    const flow = onboardingSettings({ onboarding: await storedFlow() });
    expect(flow.enabled).toBe(true);
    expect(flow.steps.length).toBeGreaterThanOrEqual(3);
    expect(flow.welcome.channel_id).toBe(CHANNELS.introductions);
    expect(JSON.stringify(flow)).not.toContain('{{');
    const exported = await exportGuild(database.db, GUILD);
    expect(exported.settings.onboarding).toEqual(flow);
    const again = await importRecipe(database.db, GUILD, recipe, { bindings, actor: 'test' });
    expect(again).toMatchObject({ ok: true, applied: false, diff: { identical: true, settings: [] } });
  });

  it('the nonprofit questionnaire maps volunteer interests to the bound team roles', async () => {
    await importRecipe(database.db, GUILD, load('nonprofit-volunteers.json'), { bindings, actor: 'test' });
    const flow = onboardingSettings({ onboarding: await storedFlow() });
    const interests = flow.questionnaire.questions.find((q) => q.key === 'interests')!;
    expect(interests.options.map((o) => o.role_ids)).toEqual([[ROLES.events_team], [ROLES.outreach_team], [ROLES.support_team]]);
    expect(flow.completion_role_ids).toEqual([ROLES.volunteer]);
  });

  it('diffs an admin\'s change leaf by leaf; merge keeps a flow the recipe lacks, replace removes it', async () => {
    const recipe = load('community-engagement.json');
    await importRecipe(database.db, GUILD, recipe, { bindings, actor: 'test' });
    const edited = onboardingSettings({ onboarding: await storedFlow() });
    edited.steps[0]!.label = 'Say hello';
    await changeSettings(database.db, GUILD, { onboarding: edited }, 'admin');
    const diff = await importRecipe(database.db, GUILD, recipe, { bindings, actor: 'test', dryRun: true });
    if (!diff.ok) throw new Error(JSON.stringify(diff.problems));
    expect(diff.diff.settings).toEqual([{ path: 'settings.onboarding.steps[0].label', before: 'Say hello', after: 'Introduce yourself' }]);
    expect(diffText(diff.diff)).toContain('settings.onboarding.steps[0].label: "Say hello" → "Introduce yourself"');
    const without = { ...recipe, settings: {} };
    const merge = await importRecipe(database.db, GUILD, without, { bindings, actor: 'test', dryRun: true });
    expect(merge.ok && merge.diff.settings).toEqual([]);
    await importRecipe(database.db, GUILD, without, { bindings, actor: 'test', mode: 'replace' });
    expect(await storedFlow()).toBeUndefined();
  });

  it('refuses a malformed flow with the path of the problem, and changes nothing', async () => {
    const recipe = load('community-engagement.json');
    const broken = (change: (flow: { steps: { trigger?: Record<string, unknown> }[] }) => void) => {
      const flow = structuredClone(recipe.settings.onboarding) as { steps: { trigger?: Record<string, unknown> }[] };
      change(flow);
      return { ...recipe, settings: { onboarding: flow } };
    };
    const paths = async (r: Recipe) => {
      const result = await importRecipe(database.db, GUILD, r, { bindings, actor: 'test' });
      return result.ok ? [] : result.problems.map((p) => p.path);
    };
    expect(await paths(broken((f) => (f.steps[0]!.trigger!.type = 'nonsense')))).toEqual(['settings.onboarding.steps[0].trigger.type']);
    expect(await paths(broken((f) => (f.steps[1]!.trigger!.when = { eval: ['1'] })))).toEqual(['settings.onboarding.steps[1].trigger.when.eval']);
    expect(await storedFlow()).toBeUndefined();
  });
});

describe('a preset\'s flow through simulate', () => {
  const A = '910000000000000001';
  const guild = '1170000000000000901';
  const at = (minute: number) => new Date(Date.UTC(2026, 10, 2, 9) + minute * 60_000).toISOString();
  let n = 0;
  const event = (type: LakeEvent['type'], minute: number, data: Record<string, unknown>, channel: string | null = '600000000000000001', extra: Partial<LakeEvent> = {}): LakeEvent => ({
    source_id: `sim-${++n}`, type, guild_id: guild, actor_id: A, target_id: null, channel_id: channel, occurred_at: at(minute), data, ...extra,
  });

  it('community engagement: a new member who does the four steps gets the Member role and the welcome bonus once', async () => {
    const events = [
      event('member_join', 0, { joined_at: at(0) }, null),
      event('message_create', 1, { length: 42 }, CHANNELS.introductions),
      event('message_create', 2, { length: 10 }),
      event('reaction_add', 3, { emoji: '✅', message_id: '5', unique_reactor_count: 1, message_age_seconds: 60 }, CHANNELS.rules, { target_id: '910000000000000002' }),
      event('voice_session_end', 4, { duration_seconds: 120, is_afk: false }),
      event('message_create', 5, { length: 10 }),
      event('voice_session_end', 20, { duration_seconds: 600, is_afk: false }),
      event('message_create', 21, { length: 10 }),
    ];
    const result = await simulate(load('community-engagement.json'), { lines: events.map((value, i) => ({ line: i + 1, value })) }, { database, bindings });
    // 4 messages × 2 + 1 reaction × 1 + the welcome bonus of 10.
    expect(result.members[A]!.balances.points).toBe(8 + 1 + 10);
    const rows = await database.db.select().from(outbox).where(eq(outbox.guildId, guild));
    expect(rows.filter((r) => r.kind === 'role_add').map((r) => r.payload.role_id)).toEqual([ROLES.member]);
    expect(rows.filter((r) => r.kind === 'onboarding_message').map((r) => r.payload.part)).toEqual(['welcome', 'questionnaire']);
  });
});
