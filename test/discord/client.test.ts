// The discord.js client Cairn runs: intents (privileged ones configurable, presence never by
// default), its status for /healthz, and caches that stay bounded on large guilds.
import { GatewayIntentBits } from 'discord.js';
import { count } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { members } from '../../src/db/schema.ts';
import { BASE_INTENTS, resolveIntents } from '../../src/discord/intents.ts';
import { DiscordConfigError } from '../../src/discord/errors.ts';
import { BOT_USER_ID } from '../support/fake-discord.ts';
import { createTestDatabase, resetDatabase, type TestDatabase } from '../support/db.ts';
import { lakeCount, startBot, until, waitForLake, type BotHarness } from './support/harness.ts';
import { ALICE, CHANNEL, GUILD, member, message } from './support/payloads.ts';

describe('intents', () => {
  it('asks for what Cairn’s events need plus the privileged intents configured, and never presence by default', () => {
    const intents = resolveIntents(['GuildMembers', 'MessageContent']);
    expect(intents).toEqual(expect.arrayContaining([...BASE_INTENTS, GatewayIntentBits.GuildMembers, GatewayIntentBits.MessageContent]));
    expect(intents).not.toContain(GatewayIntentBits.GuildPresences);
    expect(resolveIntents([])).toEqual([...BASE_INTENTS]);
    expect(resolveIntents(['GuildPresences'])).toContain(GatewayIntentBits.GuildPresences);
  });

  it('refuses an unknown intent name, naming the variable', () => {
    expect(() => resolveIntents(['GuildMembres'])).toThrow(DiscordConfigError);
    expect(() => resolveIntents(['GuildMembres'])).toThrow(/DISCORD_PRIVILEGED_INTENTS: unknown intent "GuildMembres"/);
  });
});

describe('the running client', () => {
  let database: TestDatabase;
  let harness: BotHarness | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.close();
  });
  beforeEach(async () => {
    await resetDatabase(database);
  });
  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
  });

  it('identifies without privileged intents when none are configured, and still records message metadata', async () => {
    harness = await startBot(database, { privilegedIntents: [] });
    expect(harness.fake.intents & GatewayIntentBits.MessageContent).toBe(0);
    expect(harness.fake.intents & GatewayIntentBits.GuildMembers).toBe(0);
    expect(harness.fake.intents & GatewayIntentBits.GuildVoiceStates).toBe(GatewayIntentBits.GuildVoiceStates);
    harness.fake.dispatch('MESSAGE_CREATE', message({ author: ALICE, content: 'invisible without the intent' }));
    await waitForLake(harness, database, 1, 'message_create');
    expect(await lakeCount(database)).toBe(1);
  });

  it("reports 'ready' once connected and 'connecting' while it reconnects", async () => {
    harness = await startBot(database);
    expect(harness.bot.status()).toBe('ready');
    harness.fake.disconnect();
    await until(() => harness!.bot.status() === 'connecting', 5_000, 'connecting');
    await harness.fake.waitForOp(6);
    await until(() => harness!.bot.status() === 'ready', 5_000, 'ready again');
  });

  it('keeps few members and messages in memory while the members table holds everyone', async () => {
    const many = Array.from({ length: 1_000 }, (_, i) => member(String(800_000_000_000_000_000n + BigInt(i))));
    harness = await startBot(database, { guildPayload: { members: [member(BOT_USER_ID, { user: { bot: true } }), ...many], member_count: 1_001 } });
    for (let i = 0; i < 200; i++) harness.fake.dispatch('MESSAGE_CREATE', message({ author: ALICE, content: `message ${i}` }));
    await waitForLake(harness, database, 200, 'message_create');
    const guild = harness.bot.client.guilds.cache.get(GUILD)!;
    expect(guild.members.cache.size).toBeLessThanOrEqual(100);
    expect(guild.members.cache.has(BOT_USER_ID)).toBe(true);
    const channel = harness.bot.client.channels.cache.get(CHANNEL);
    expect(channel?.isTextBased() && channel.messages.cache.size).toBeLessThanOrEqual(50);
    // The thousand from GUILD_CREATE, the bot, and Alice, written from her first message (she was not in the list).
    await until(async () => (await database.db.select({ n: count() }).from(members))[0]!.n === 1_002, 5_000, 'all members written');
  });
});
