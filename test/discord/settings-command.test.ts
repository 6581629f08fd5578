// /settings public-leaderboard through the real discord.js client against the fake Discord: a
// member hides or shows themselves on the public page, privately, audit-logged, and the public page
// follows.
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditLog, guilds, members } from '../../src/db/schema.ts';
import { credit } from '../../src/ledger/ledger.ts';
import { isPrivate, OptionType, runCommand } from './support/interactions.ts';
import { useBot } from './support/use-bot.ts';
import { ALICE, BOB, GUILD } from './support/payloads.ts';

const ctx = useBot({ preset: 'classic' });

const publicLeaderboard = (visible: boolean) => [{ name: 'public-leaderboard', type: OptionType.SUB_COMMAND, options: [{ name: 'visible', type: OptionType.BOOLEAN, value: visible }] }];
const optedOut = async (userId: string) => (await ctx.database.db.select({ v: members.publicOptOut }).from(members).where(and(eq(members.guildId, GUILD), eq(members.userId, userId))))[0]?.v;

describe('/settings public-leaderboard', () => {
  it('hides the member who runs it, privately, and says the server has not switched the page on', async () => {
    const reply = await runCommand(ctx.harness, 'settings', publicLeaderboard(false), { id: ALICE });
    expect(isPrivate(reply)).toBe(true);
    expect(reply.data.embeds[0]).toMatchObject({ title: 'You are hidden' });
    expect(reply.data.embeds[0]!.description).toContain('“Hidden member”');
    expect(reply.data.embeds[0]!.description).toContain('has not switched its public leaderboard on');
    expect(await optedOut(ALICE)).toBe(true);
    expect(await optedOut(BOB)).not.toBe(true);
    const [entry] = await ctx.database.db.select().from(auditLog).where(eq(auditLog.action, 'member.visibility'));
    expect(entry).toMatchObject({ entityKey: ALICE, before: { public: true }, after: { public: false } });
  });

  it('shows the member again; running it twice changes nothing the second time', async () => {
    await ctx.database.db.update(guilds).set({ settings: { public_leaderboard: { enabled: true, currencies: ['xp'] } } }).where(eq(guilds.id, GUILD));
    await credit(ctx.database.db, { guildId: GUILD, userId: ALICE, currency: 'xp', amount: 5 });
    await runCommand(ctx.harness, 'settings', publicLeaderboard(false), { id: ALICE });
    const shown = await runCommand(ctx.harness, 'settings', publicLeaderboard(true), { id: ALICE });
    expect(shown.data.embeds[0]).toMatchObject({ title: 'You are visible', description: 'Your name and avatar are shown on this server’s public leaderboard.' });
    expect(await optedOut(ALICE)).toBe(false);
    const again = await runCommand(ctx.harness, 'settings', publicLeaderboard(true), { id: ALICE });
    expect(again.data.embeds[0]!.title).toBe('Nothing changed');
    expect(await ctx.database.db.select().from(auditLog).where(eq(auditLog.action, 'member.visibility'))).toHaveLength(2);
  });
});
