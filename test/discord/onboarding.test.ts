// A new member's way through the onboarding flow, with the real discord.js client against the fake
// Discord: the welcome DM with its checklist (or the channel when Discord refuses the DM), the
// questionnaire's buttons and select menu granting roles, the checklist completed by gateway
// events, the completion role and a rule's reward exactly once however much is replayed.
import { and, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/app/clock.ts';
import { lakeEvents, onboardingMembers, onboardingSteps, outbox, transactions } from '../../src/db/schema.ts';
import { changeSettings, GuildSettingsPatch } from '../../src/guilds/settings.ts';
import { buttonId, openId, selectId } from '../../src/onboarding/messages.ts';
import { heavyCondition } from '../support/hostile-logic.ts';
import { buttonClick, selectChoice } from './support/components.ts';
import { balances, lakeCount, saveRules, until, type BotHarness } from './support/harness.ts';
import { answerTo, isPrivate, runCommand, type CallbackBody } from './support/interactions.ts';
import { ANNOUNCE_CHANNEL, BOB, CAROL, CHANNEL, GUILD, VOICE_CHANNEL, member, message, reaction, voiceState } from './support/payloads.ts';
import { useBot } from './support/use-bot.ts';

const ctx = useBot({ preset: 'classic', start: 'manual' });

const NEWBIE = '987654321098765501';
const INTRO = CHANNEL;
const RULES = ANNOUNCE_CHANNEL;
const RULES_MESSAGE = '1300000000000000077';
const WELCOME_CHANNEL = '1111111111111111119';
const DONE_ROLE = '2222222222222222229';
const ROLE = { newcomer: '2222222222222222231', veteran: '2222222222222222232', art: '2222222222222222233', code: '2222222222222222234' };
const T0 = '2026-11-22T10:00:00.000Z';
const later = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();
const dmChannelOf = (userId: string) => String(BigInt(userId) + 7n);

function flow(overrides: Record<string, unknown> = {}) {
  return {
    enabled: true,
    welcome: { enabled: true, where: 'dm', channel_id: WELCOME_CHANNEL, template: 'Welcome to {server}, {member}! @everyone look:\n{checklist}' },
    questionnaire: {
      enabled: true,
      where: 'dm',
      channel_id: null,
      questions: [
        { key: 'experience', prompt: 'Been in communities like this before?', style: 'buttons', options: [{ key: 'newcomer', label: 'New here', role_ids: [ROLE.newcomer] }, { key: 'veteran', label: 'Old hand', emoji: '🧭', role_ids: [ROLE.veteran] }] },
        { key: 'interests', prompt: 'What are you into?', style: 'select', multiple: true, options: [{ key: 'art', label: 'Art', role_ids: [ROLE.art] }, { key: 'code', label: 'Code', role_ids: [ROLE.code] }, { key: 'music', label: 'Music' }] },
      ],
    },
    steps: [
      { key: 'intro', label: 'Introduce yourself', description: 'Say hi in #introductions', trigger: { type: 'message_create', channel_ids: [INTRO], when: { '>=': [{ var: 'event.data.length' }, 20] } } },
      { key: 'rules', label: 'React to the rules', trigger: { type: 'reaction_add', channel_ids: [RULES], when: { '==': [{ var: 'event.data.message_id' }, RULES_MESSAGE] } } },
      { key: 'voice', label: 'Join a voice chat', trigger: { type: 'voice_session_end', when: { '>=': [{ var: 'event.data.duration_seconds' }, 60] } } },
      { key: 'questions', label: 'Answer the questions', kind: 'questionnaire' },
    ],
    completion_role_ids: [DONE_ROLE],
    ...overrides,
  };
}

const REWARD_RULE = { key: 'onboarding.reward', name: 'Welcome bonus', trigger: { events: ['onboarding_completed'] }, effects: [{ type: 'credit', to: 'actor', currency: 'gold', amount: 100, reason: 'onboarding done' }] };

async function setUp(onboarding: Record<string, unknown> = flow(), extra: Record<string, unknown> = {}): Promise<{ h: BotHarness; clock: ReturnType<typeof fixedClock> }> {
  const changed = await changeSettings(ctx.database.db, GUILD, { onboarding: onboarding as never, ...extra }, 'test');
  if (!changed.ok) throw new Error(JSON.stringify(changed));
  await saveRules(ctx.database, [REWARD_RULE]);
  const clock = fixedClock(new Date(later(1)));
  const h = await ctx.start({ clock });
  return { h, clock };
}

function join(h: BotHarness, userId = NEWBIE, at = T0) {
  const payload = { ...member(userId, { joined_at: at, roles: [] }), guild_id: GUILD };
  h.fake.dispatch('GUILD_MEMBER_ADD', payload);
  return payload;
}

const onboardingRow = async (userId = NEWBIE) => (await ctx.database.db.select().from(onboardingMembers).where(and(eq(onboardingMembers.guildId, GUILD), eq(onboardingMembers.userId, userId))))[0];
const stepsDone = async (userId = NEWBIE) => (await ctx.database.db.select().from(onboardingSteps).where(eq(onboardingSteps.userId, userId))).map((s) => s.step).sort();
const rolePuts = (h: BotHarness, userId: string, roleId: string, method = 'PUT') => h.fake.calls(method, new RegExp(`^/guilds/${GUILD}/members/${userId}/roles/${roleId}$`)).length;
const rewards = async () => (await ctx.database.db.select().from(transactions).where(sql`${transactions.reason} = 'onboarding done'`)).length;

async function voiceSession(h: BotHarness, clock: ReturnType<typeof fixedClock>, userId: string, minutes: number) {
  h.fake.dispatch('VOICE_STATE_UPDATE', voiceState(userId, VOICE_CHANNEL));
  await until(async () => (await h.bot.voice.settle(), h.bot.voice.open.some((s) => s.userId === userId)), 5_000, 'voice session open');
  clock.advance(minutes * 60_000);
  h.fake.dispatch('VOICE_STATE_UPDATE', voiceState(userId, null));
  await until(async () => (await h.bot.voice.settle(), !h.bot.voice.open.some((s) => s.userId === userId)), 5_000, 'voice session closed');
}

const dm = { id: NEWBIE, dm: true, channelId: dmChannelOf(NEWBIE) };

describe('onboarding: a new member from join to completion', () => {
  it('welcomes by DM with the checklist, grants the answers\' roles, completes the checklist from gateway events, and rewards once', async () => {
    const { h, clock } = await setUp();
    join(h);
    const dms = await h.fake.waitForCalls('POST', new RegExp(`^/channels/${dmChannelOf(NEWBIE)}/messages$`), 3);
    const [welcome, q1, q2] = dms.map((c) => c.body);
    expect(welcome.content).toContain(`Welcome to Test Guild, <@${NEWBIE}>!`);
    expect(welcome.content).toContain('⬜ **Introduce yourself** — Say hi in #introductions');
    expect(welcome.content).toContain('⬜ **Answer the questions**');
    // The template's @everyone is defused, and only the member may be pinged.
    expect(welcome.content).not.toMatch(/@everyone/);
    expect(welcome.allowed_mentions).toEqual({ parse: [], users: [NEWBIE] });
    expect(q1.components[0].components.map((b: { custom_id: string }) => b.custom_id)).toEqual([buttonId(GUILD, NEWBIE, 'experience', 0), buttonId(GUILD, NEWBIE, 'experience', 1)]);
    expect(q2.components[0].components[0]).toMatchObject({ type: 3, custom_id: selectId(GUILD, NEWBIE, 'interests'), max_values: 3 });
    await until(async () => (await onboardingRow())?.welcomeStatus === 'sent', 5_000, 'welcome status');

    // Buttons: one choice; the message shows it.
    const clicked = await answerTo(h, buttonClick(buttonId(GUILD, NEWBIE, 'experience', 1), dm) as never);
    expect(clicked.type).toBe(7);
    expect((clicked as unknown as { data: { components: { components: { style: number }[] }[] } }).data.components[0]!.components.map((b) => b.style)).toEqual([2, 1]);
    await h.fake.waitForCalls('PUT', new RegExp(`/roles/${ROLE.veteran}$`));
    // A multi-select: two interests, two roles; the questionnaire step is done.
    expect((await answerTo(h, selectChoice(selectId(GUILD, NEWBIE, 'interests'), ['art', 'code'], dm) as never)).type).toBe(7);
    await h.fake.waitForCalls('PUT', new RegExp(`/roles/${ROLE.code}$`));
    expect(rolePuts(h, NEWBIE, ROLE.art)).toBe(1);
    await until(async () => (await stepsDone()).includes('questions'), 5_000, 'questionnaire step');
    // Changing an answer removes the role no chosen option gives any more.
    await answerTo(h, selectChoice(selectId(GUILD, NEWBIE, 'interests'), ['code', 'music'], dm) as never);
    await h.fake.waitForCalls('DELETE', new RegExp(`/roles/${ROLE.art}$`));
    expect(rolePuts(h, NEWBIE, ROLE.code)).toBe(1);
    expect((await onboardingRow())?.answers).toEqual({ experience: ['veteran'], interests: ['code', 'music'] });

    // The checklist, from real gateway events; a short message does not count as an introduction.
    h.fake.dispatch('MESSAGE_CREATE', message({ author: NEWBIE, channel: INTRO, content: 'hi', at: later(2) }));
    const intro = message({ author: NEWBIE, channel: INTRO, content: 'Hello! I am new and I like drawing.', at: later(3) });
    h.fake.dispatch('MESSAGE_CREATE', intro);
    const rules = reaction({ user: NEWBIE, messageId: RULES_MESSAGE, channel: RULES, messageAuthor: CAROL });
    h.fake.dispatch('MESSAGE_REACTION_ADD', rules);
    await until(async () => (await stepsDone()).length === 3, 5_000, 'intro and rules steps');
    expect(await stepsDone()).toEqual(['intro', 'questions', 'rules']);
    expect(await rewards()).toBe(0);
    await voiceSession(h, clock, NEWBIE, 2);
    await until(async () => (await onboardingRow())?.completedAt, 5_000, 'completion');
    await h.fake.waitForCalls('PUT', new RegExp(`/roles/${DONE_ROLE}$`));
    await until(async () => (await rewards()) === 1, 5_000, 'the reward');
    expect(await balances(ctx.database, NEWBIE)).toMatchObject({ gold: 100 });
    expect(await lakeCount(ctx.database, 'onboarding_step_completed')).toBe(4);
    const completed = await ctx.database.db.select().from(lakeEvents).where(eq(lakeEvents.type, 'onboarding_completed'));
    expect(completed.map((e) => [e.sourceId, e.data])).toEqual([[`onboarding:${GUILD}:${NEWBIE}:completed`, { total_steps: 4, seconds_since_join: expect.any(Number) }]]);

    // Replays: the same gateway events, the same answers again, the onboarding events ingested again.
    h.fake.dispatch('MESSAGE_CREATE', intro);
    h.fake.dispatch('MESSAGE_REACTION_ADD', rules);
    await answerTo(h, selectChoice(selectId(GUILD, NEWBIE, 'interests'), ['code', 'music'], dm) as never);
    const replayed = await h.pipeline.ingest(completed.map((e) => ({ source_id: e.sourceId, type: e.type, guild_id: GUILD, actor_id: NEWBIE, occurred_at: e.occurredAt.toISOString(), data: e.data })), { origin: 'api' });
    expect(replayed).toMatchObject({ accepted: 0, duplicate: 1 });
    await voiceSession(h, clock, NEWBIE, 3);
    await h.bot.events.flush();
    await h.bot.outbox.drain(1_000);
    expect(await rewards()).toBe(1);
    expect(rolePuts(h, NEWBIE, DONE_ROLE)).toBe(1);
    expect(rolePuts(h, NEWBIE, ROLE.code)).toBe(1);
    expect(await lakeCount(ctx.database, 'onboarding_completed')).toBe(1);
  });

  it('falls back to the welcome channel when Discord refuses the DM (50007), and says so in welcome_status', async () => {
    const { h } = await setUp();
    h.fake.failNext('POST', new RegExp(`^/channels/${dmChannelOf(NEWBIE)}/messages$`), { status: 403, body: { message: 'Cannot send messages to this user', code: 50007 } }, 10);
    join(h);
    const posted = await h.fake.waitForCalls('POST', new RegExp(`^/channels/${WELCOME_CHANNEL}/messages$`), 3);
    expect(posted[0]!.body.content).toContain(`<@${NEWBIE}>`);
    // The questions in the channel name the member they are for.
    expect(posted[1]!.body.content).toMatch(new RegExp(`^<@${NEWBIE}> \\*\\*Been in communities`));
    await until(async () => (await onboardingRow())?.welcomeStatus === 'fallback', 5_000, 'welcome status fallback');
    expect((await onboardingRow())?.welcomedAt).not.toBeNull();
    // Someone else clicking the member's buttons in the channel is told, privately, they are not theirs.
    const other = await answerTo(h, buttonClick(buttonId(GUILD, NEWBIE, 'experience', 0), { id: BOB, channelId: WELCOME_CHANNEL }) as never);
    expect(isPrivate(other as CallbackBody)).toBe(true);
    expect((other as CallbackBody).data.embeds[0]!.description).toMatch(/for another member/);
    expect((await onboardingRow())?.answers).toEqual({});
  });

  it('records dm_refused when the DM is refused and there is no channel to fall back to, and keeps running', async () => {
    const { h } = await setUp(flow({ welcome: { enabled: true, where: 'dm', channel_id: null, template: 'Hi {member}' }, questionnaire: { enabled: false, where: 'dm', channel_id: null, questions: [] } }));
    h.fake.failNext('POST', new RegExp(`^/channels/${dmChannelOf(NEWBIE)}/messages$`), { status: 403, body: { message: 'Cannot send messages to this user', code: 50007 } });
    join(h);
    await until(async () => (await onboardingRow())?.welcomeStatus === 'dm_refused', 5_000, 'welcome status dm_refused');
    await until(async () => (await ctx.database.db.select().from(outbox).where(eq(outbox.kind, 'onboarding_message')))[0]?.status === 'failed', 5_000, 'outbox row failed');
    const [row] = await ctx.database.db.select().from(outbox).where(eq(outbox.kind, 'onboarding_message'));
    expect(row!.lastError).toMatch(/does not accept direct messages/);
  });

  it('a member who leaves mid-way is marked left, stops progressing, and cannot answer', async () => {
    const { h } = await setUp();
    join(h);
    await until(async () => (await onboardingRow())?.welcomeStatus === 'sent', 5_000, 'welcomed');
    h.fake.dispatch('MESSAGE_CREATE', message({ author: NEWBIE, channel: INTRO, content: 'Hello everyone, glad to be here!', at: later(2) }));
    await until(async () => (await stepsDone()).includes('intro'), 5_000, 'intro step');
    h.fake.dispatch('GUILD_MEMBER_REMOVE', { guild_id: GUILD, user: { id: NEWBIE, username: 'newbie', discriminator: '0' } });
    await until(async () => (await onboardingRow())?.leftAt, 5_000, 'left_at');
    h.fake.dispatch('MESSAGE_REACTION_ADD', reaction({ user: NEWBIE, messageId: RULES_MESSAGE, channel: RULES, messageAuthor: CAROL }));
    await until(async () => (await lakeCount(ctx.database, 'reaction_add')) === 1, 5_000, 'the reaction in the lake');
    expect(await stepsDone()).toEqual(['intro']);
    const refused = await answerTo(h, buttonClick(buttonId(GUILD, NEWBIE, 'experience', 0), dm) as never);
    expect((refused as CallbackBody).data.embeds[0]!.description).toMatch(/no longer a member/);
    expect(rolePuts(h, NEWBIE, ROLE.newcomer)).toBe(0);
  });

  it('a role Discord refuses is recorded on its outbox row; the answer, the other roles and the bot go on', async () => {
    const { h } = await setUp();
    h.fake.failNext('PUT', new RegExp(`/roles/${ROLE.art}$`), { status: 403, body: { message: 'Missing Permissions', code: 50013 } });
    join(h);
    await until(async () => (await onboardingRow())?.welcomeStatus === 'sent', 5_000, 'welcomed');
    await answerTo(h, selectChoice(selectId(GUILD, NEWBIE, 'interests'), ['art', 'code'], dm) as never);
    await h.fake.waitForCalls('PUT', new RegExp(`/roles/${ROLE.code}$`));
    await until(async () => (await ctx.database.db.select().from(outbox).where(sql`${outbox.payload}->>'role_id' = ${ROLE.art}`))[0]?.status === 'failed', 5_000, 'refused role recorded');
    const [row] = await ctx.database.db.select().from(outbox).where(sql`${outbox.payload}->>'role_id' = ${ROLE.art}`);
    expect(row!.lastError).toMatch(/50013/);
    expect((await onboardingRow())?.answers).toEqual({ interests: ['art', 'code'] });
    expect((await answerTo(h, buttonClick(buttonId(GUILD, NEWBIE, 'experience', 0), dm) as never)).type).toBe(7);
  });

  it('with the module off nothing happens: no enrollment, no welcome, components refused', async () => {
    const { h } = await setUp(flow(), { disabled_modules: ['onboarding'] });
    join(h);
    await until(async () => (await lakeCount(ctx.database, 'member_join')) === 1, 5_000, 'the join in the lake');
    h.fake.dispatch('MESSAGE_CREATE', message({ author: NEWBIE, channel: INTRO, content: 'Hello everyone, glad to be here!', at: later(2) }));
    await until(async () => (await lakeCount(ctx.database, 'message_create')) === 1, 5_000, 'the message in the lake');
    await h.bot.outbox.drain(500);
    expect(await onboardingRow()).toBeUndefined();
    expect(h.fake.calls('POST', /^\/users\/@me\/channels$/)).toHaveLength(0);
    const refused = await answerTo(h, buttonClick(buttonId(GUILD, NEWBIE, 'experience', 0), dm) as never);
    expect((refused as CallbackBody).data.embeds[0]!.description).toMatch(/switched off/);
  });

  it('members who joined before the flow was on are not in it', async () => {
    const { h } = await setUp();
    h.fake.dispatch('MESSAGE_CREATE', message({ author: BOB, channel: INTRO, content: 'An old member says hello to all', at: later(2) }));
    await until(async () => (await lakeCount(ctx.database, 'message_create')) === 1, 5_000, 'the message in the lake');
    expect(await onboardingRow(BOB)).toBeUndefined();
    expect(await ctx.database.db.select().from(onboardingSteps)).toHaveLength(0);
  });

  it('a hostile `when` costs only its own step: the others complete and rules keep paying', async () => {
    const steps = flow().steps as Record<string, unknown>[];
    const hostile = [
      { key: 'heavy', label: 'Heavy', trigger: { type: 'message_create', when: heavyCondition(256) } },
      steps[0]!,
    ];
    const { h } = await setUp(flow({ steps: hostile, questionnaire: { enabled: false, where: 'dm', channel_id: null, questions: [] } }));
    join(h);
    await until(async () => (await onboardingRow())?.welcomeStatus === 'sent', 5_000, 'welcomed');
    h.fake.dispatch('MESSAGE_CREATE', message({ author: NEWBIE, channel: INTRO, content: 'Hello everyone, glad to be here!', at: later(2) }));
    await until(async () => (await stepsDone()).includes('intro'), 5_000, 'intro step');
    expect(await stepsDone()).toEqual(['intro']);
    // The classic rules still paid the message.
    expect((await balances(ctx.database, NEWBIE)).xp).toBeGreaterThan(0);
    expect(h.logs.some((l) => l.msg.includes('onboarding step skipped') && l.step === 'heavy')).toBe(true);
  });

  it('refuses a `when` that is not valid JSON Logic at save, with its path', async () => {
    const steps = [{ key: 'ok', label: 'Fine', trigger: { type: 'message_create' } }, { key: 'bad', label: 'Bad', trigger: { type: 'message_create', when: { and: [true, { eval: ['process.exit()'] }] } } }];
    const parsed = GuildSettingsPatch.safeParse({ onboarding: flow({ steps }) });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => i.path.join('.'))).toEqual(['onboarding.steps.1.trigger.when.and.1.eval']);
    expect(parsed.error!.issues[0]!.message).toMatch(/unknown operation "eval"/);
  });

  it('a join replayed on RESUME enrolls and welcomes once', async () => {
    const { h } = await setUp();
    join(h);
    await until(async () => (await onboardingRow())?.welcomeStatus === 'sent', 5_000, 'welcomed');
    h.fake.replayDuplicatesOnResume(1);
    h.fake.disconnect();
    await h.fake.waitForOp(6);
    await until(() => h.bot.events.stats.duplicate >= 1, 10_000, 'the replayed join');
    await h.bot.events.flush();
    await h.bot.outbox.drain(1_000);
    expect(h.fake.calls('POST', new RegExp(`^/channels/${dmChannelOf(NEWBIE)}/messages$`))).toHaveLength(3);
    expect(await ctx.database.db.select().from(onboardingMembers)).toHaveLength(1);
  });

  it('/onboarding shows a member their checklist privately and re-opens the questionnaire with their answers', async () => {
    const { h } = await setUp();
    join(h);
    await until(async () => (await onboardingRow())?.welcomeStatus === 'sent', 5_000, 'welcomed');
    await answerTo(h, buttonClick(buttonId(GUILD, NEWBIE, 'experience', 0), dm) as never);
    h.fake.dispatch('MESSAGE_CREATE', message({ author: NEWBIE, channel: INTRO, content: 'Hello everyone, glad to be here!', at: later(2) }));
    await until(async () => (await stepsDone()).includes('intro'), 5_000, 'intro step');
    const reply = await runCommand(h, 'onboarding', [], { id: NEWBIE });
    expect(isPrivate(reply)).toBe(true);
    expect(reply.data.embeds[0]!.description).toContain('✅ **Introduce yourself**');
    expect(reply.data.embeds[0]!.description).toContain('⬜ **React to the rules**');
    expect(reply.data.embeds[0]!.description).toContain('1 of 4 done');
    const open = (reply.data as unknown as { components: { components: { custom_id: string }[] }[] }).components[0]!.components[0]!.custom_id;
    expect(open).toBe(openId(GUILD, NEWBIE));
    const first = await answerTo<{ type: number; data: { flags: number; content: string; components: { components: { style: number }[] }[] } }>(h, buttonClick(open, { id: NEWBIE }) as never);
    expect(first.data.flags & 64).toBe(64);
    expect(first.data.content).toContain('Been in communities like this before?');
    // The answer given in the DM shows as chosen.
    expect(first.data.components[0]!.components.map((b) => b.style)).toEqual([1, 2]);
    const others = await runCommand(h, 'onboarding', [], { id: BOB });
    expect(others.data.embeds[0]!.description).toMatch(/you were here before it/);
  });
});
