// The discord.js client Cairn runs: intents (privileged ones configurable, presence never by
// default), its status for /healthz, and caches that stay bounded on large guilds.
import { GatewayIntentBits } from 'discord.js';
import { count } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { members } from '../../src/db/schema.ts';
import { BASE_INTENTS, resolveIntents } from '../../src/discord/intents.ts';
import { DiscordConfigError } from '../../src/discord/errors.ts';
import { BOT_USER_ID } from '../support/fake-discord.ts';
import { lakeCount, until, waitForLake } from './support/harness.ts';
import { useBot } from './support/use-bot.ts';
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
  const ctx = useBot({ preset: 'none', start: 'manual' });

  it('identifies without privileged intents when none are configured, and still records message metadata', async () => {
    await ctx.start({ privilegedIntents: [] });
    expect(ctx.harness.fake.intents & GatewayIntentBits.MessageContent).toBe(0);
    expect(ctx.harness.fake.intents & GatewayIntentBits.GuildMembers).toBe(0);
    expect(ctx.harness.fake.intents & GatewayIntentBits.GuildVoiceStates).toBe(GatewayIntentBits.GuildVoiceStates);
    ctx.harness.fake.dispatch('MESSAGE_CREATE', message({ author: ALICE, content: 'invisible without the intent' }));
    await waitForLake(ctx.harness, ctx.database, 1, 'message_create');
    expect(await lakeCount(ctx.database)).toBe(1);
  });

  it("reports 'ready' once connected and 'connecting' while it reconnects", async () => {
    await ctx.start();
    expect(ctx.harness.bot.status()).toBe('ready');
    ctx.harness.fake.disconnect();
    await until(() => ctx.harness.bot.status() === 'connecting', 5_000, 'connecting');
    await ctx.harness.fake.waitForOp(6);
    await until(() => ctx.harness.bot.status() === 'ready', 5_000, 'ready again');
  });

  it('keeps few members and messages in memory while the members table holds everyone', async () => {
    const many = Array.from({ length: 1_000 }, (_, i) => member(String(800_000_000_000_000_000n + BigInt(i))));
    await ctx.start({ guildPayload: { members: [member(BOT_USER_ID, { user: { bot: true } }), ...many], member_count: 1_001 } });
    for (let i = 0; i < 200; i++) ctx.harness.fake.dispatch('MESSAGE_CREATE', message({ author: ALICE, content: `message ${i}` }));
    await waitForLake(ctx.harness, ctx.database, 200, 'message_create');
    const guild = ctx.harness.bot.client.guilds.cache.get(GUILD)!;
    expect(guild.members.cache.size).toBeLessThanOrEqual(100);
    expect(guild.members.cache.has(BOT_USER_ID)).toBe(true);
    const channel = ctx.harness.bot.client.channels.cache.get(CHANNEL);
    expect(channel?.isTextBased() && channel.messages.cache.size).toBeLessThanOrEqual(50);
    // The thousand from GUILD_CREATE, the bot, and Alice, written from her first message (she was not in the list).
    await until(async () => (await ctx.database.db.select({ n: count() }).from(members))[0]!.n === 1_002, 5_000, 'all members written');
  });
});
