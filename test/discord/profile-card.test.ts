// /profile through the real discord.js client against the fake Discord: the reply carries the rank
// card as card.png (a valid 934×282 PNG) shown in the embed, with the text fields kept; the avatar
// comes from the (fake) CDN; a card that fails or stalls leaves the embed alone, logged.
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { AvatarSource } from '../../src/cards/avatar.ts';
import { RankCards } from '../../src/cards/rank-cards.ts';
import { members } from '../../src/db/schema.ts';
import { profileCommand } from '../../src/discord/commands/profile.ts';
import { COMMANDS } from '../../src/discord/commands/registry.ts';
import { credit } from '../../src/ledger/ledger.ts';
import type { RecordedRequest } from '../support/fake-discord.ts';
import { AVATAR_CENTRE, pixelAt, pngSize, solidImage } from '../cards/support.ts';
import type { BotHarness, HarnessOptions } from './support/harness.ts';
import { isPrivate, OptionType, type CallbackBody } from './support/interactions.ts';
import { useBot } from './support/use-bot.ts';
import { ALICE, BOB, GUILD, MEMBER_PERMISSIONS, slashCommand } from './support/payloads.ts';

const ctx = useBot({ preset: 'classic', start: 'manual' });

const noAvatars: AvatarSource = { load: async () => null };

/** Starts the bot, optionally with /profile drawing through `cards`. */
async function start(cards?: RankCards, options: HarnessOptions = {}): Promise<BotHarness> {
  const commands = cards ? COMMANDS.map((c) => (c.data.name === 'profile' ? profileCommand(() => cards) : c)) : COMMANDS;
  const harness = await ctx.start({ ...options, bot: { commands } });
  // Names from GUILD_CREATE are written before the test sets avatars (a later flush must not undo them).
  await harness.bot.members.flush();
  return harness;
}

/** Runs /profile and returns the whole callback request: its JSON payload and its files. */
async function profile(bot: BotHarness, invoker = ALICE, member?: string): Promise<{ reply: CallbackBody & { data: { attachments?: unknown[] } }; request: RecordedRequest }> {
  const interaction = slashCommand('profile', member ? [{ name: 'member', type: OptionType.USER, value: member }] : [], { id: invoker, permissions: MEMBER_PERMISSIONS });
  bot.fake.dispatch('INTERACTION_CREATE', interaction);
  const [request] = await bot.fake.waitForCalls('POST', new RegExp(`^/interactions/${interaction.id}/${interaction.token}/callback$`));
  return { reply: request!.body, request: request! };
}

const setAvatar = (userId: string, avatarUrl: string) => ctx.database.db.update(members).set({ avatarUrl }).where(and(eq(members.guildId, GUILD), eq(members.userId, userId)));

describe('/profile rank card', () => {
  it('answers publicly with card.png, a 934×282 PNG, shown in the embed that keeps the balance fields', async () => {
    const bot = await start();
    await credit(ctx.database.db, { guildId: GUILD, userId: ALICE, currency: 'xp', amount: 40 });
    const { reply, request } = await profile(bot);
    expect(isPrivate(reply)).toBe(false);
    expect(request.headers['content-type']).toMatch(/^multipart\/form-data/);
    expect(request.files).toHaveLength(1);
    const [file] = request.files;
    expect(file).toMatchObject({ name: 'card.png' });
    expect(pngSize(file!.data)).toEqual({ width: 934, height: 282 });
    const [embed] = reply.data.embeds as (CallbackBody['data']['embeds'][number] & { image?: { url: string } })[];
    expect(embed).toMatchObject({ title: `user${ALICE.slice(-4)}'s profile`, image: { url: 'attachment://card.png' } });
    expect(embed!.fields).toContainEqual(expect.objectContaining({ name: '✦ XP', value: expect.stringContaining('**40**') }));
    expect(reply.data.attachments).toEqual([{ id: '0' }]);
    expect(file!.field).toBe('files[0]');
  });

  it("draws another member's card, even one without any activity yet", async () => {
    const bot = await start();
    const { reply, request } = await profile(bot, ALICE, BOB);
    expect(reply.data.embeds[0]).toMatchObject({ description: `user${BOB.slice(-4)} has not earned anything yet.` });
    expect(pngSize(request.files[0]!.data)).toEqual({ width: 934, height: 282 });
  });

  it("draws the member's avatar fetched from the (fake) Discord CDN", async () => {
    const bot = await start();
    const url = bot.fake.serveFile(`/avatars/${ALICE}/a1b2c3.png`, solidImage('#00ff00', 256));
    await setAvatar(ALICE, url);
    const { request } = await profile(bot);
    expect(bot.fake.calls('GET', new RegExp(`^/avatars/${ALICE}/a1b2c3\\.png$`))).toHaveLength(1);
    expect(await pixelAt(request.files[0]!.data, AVATAR_CENTRE.x - 60, AVATAR_CENTRE.y)).toEqual([0, 255, 0]);
  });

  it("draws initials, without a request, for an avatar on a host other than the Discord it talks to", async () => {
    const bot = await start();
    await setAvatar(ALICE, 'https://cdn.discordapp.com/avatars/1/real-cdn.png');
    const started = performance.now();
    const { request } = await profile(bot);
    expect(pngSize(request.files[0]!.data)).toEqual({ width: 934, height: 282 });
    expect(performance.now() - started).toBeLessThan(1_500);
    expect(await pixelAt(request.files[0]!.data, AVATAR_CENTRE.x - 60, AVATAR_CENTRE.y)).not.toEqual([0, 255, 0]);
  });

  it('falls back to the embed alone, and logs why, when drawing the card fails', async () => {
    const bot = await start(new RankCards({}, { avatars: noAvatars, render: () => { throw new Error('renderer exploded'); } }));
    await credit(ctx.database.db, { guildId: GUILD, userId: ALICE, currency: 'xp', amount: 40 });
    const { reply, request } = await profile(bot);
    expect(request.files).toEqual([]);
    expect(reply.data.embeds[0]).not.toHaveProperty('image');
    expect(reply.data.embeds[0]!.fields).toContainEqual(expect.objectContaining({ name: '✦ XP' }));
    expect(bot.logs).toContainEqual(expect.objectContaining({ level: 40, msg: 'rank card not drawn; answering with the embed alone', reason: 'failed', member: ALICE, err: expect.objectContaining({ message: 'renderer exploded' }) }));
  });

  it('falls back to the embed alone when the card takes too long', async () => {
    const bot = await start(new RankCards({ timeoutMs: 50 }, { avatars: noAvatars, render: () => new Promise<Buffer>(() => undefined) }));
    const { reply, request } = await profile(bot);
    expect(request.files).toEqual([]);
    expect(reply.data.embeds[0]).toMatchObject({ title: `user${ALICE.slice(-4)}'s profile` });
    expect(bot.logs).toContainEqual(expect.objectContaining({ msg: 'rank card not drawn; answering with the embed alone', reason: 'timeout' }));
  });
});
