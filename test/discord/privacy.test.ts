// /privacy through the real discord.js client against the fake Discord: export sends the member's
// data as a JSON file by DM (in the private reply when Discord refuses the DM); delete asks to
// confirm, only the member may press the button, and pressing it erases their data.
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.ts';
import { messageEvent } from '../support/factories.ts';
import { buttonClick } from './support/components.ts';
import { answerTo, isPrivate, OptionType, runCommand, type CallbackBody } from './support/interactions.ts';
import { ALICE, BOB, type OptionInput } from './support/payloads.ts';
import { useBot } from './support/use-bot.ts';

const ctx = useBot({ preset: 'classic' });
const sub = (name: string): OptionInput[] => [{ name, type: OptionType.SUB_COMMAND, options: [] } as OptionInput];
const dmChannelOf = (userId: string) => String(BigInt(userId) + 7n);
type Reply = CallbackBody & { data: CallbackBody['data'] & { components?: { components: { custom_id: string }[] }[] } };

async function history() {
  const events = Array.from({ length: 5 }, (_, i) => messageEvent({ actor_id: ALICE, occurred_at: new Date(Date.now() - (i + 1) * 3_600_000).toISOString() }));
  const result = await ctx.harness.pipeline.ingestEvents(events, 'gateway');
  expect(result.accepted).toBe(5);
}

describe('/privacy export', () => {
  it('sends the member their data as a JSON file by DM, and says so privately', async () => {
    await history();
    const reply = await runCommand(ctx.harness, 'privacy', sub('export'));
    expect(isPrivate(reply)).toBe(true);
    expect(reply.data.embeds[0]!.title).toBe('Sent');
    const [dm] = await ctx.harness.fake.waitForCalls('POST', new RegExp(`^/channels/${dmChannelOf(ALICE)}/messages$`), 1);
    expect(dm!.files).toHaveLength(1);
    const document = JSON.parse(dm!.files[0]!.data.toString('utf8'));
    expect(document).toMatchObject({ format: 'cairn-member-export/1', user_id: ALICE });
    // The request itself is not recorded as activity: the member's five messages only.
    expect(document.events.map((e: { type: string }) => e.type)).toEqual(Array(5).fill('message_create'));
    expect(document.transactions.length).toBeGreaterThan(0);
  });

  it('attaches the file to the private reply when Discord refuses the DM', async () => {
    await history();
    ctx.harness.fake.failNext('POST', new RegExp(`^/channels/${dmChannelOf(ALICE)}/messages$`), { status: 403, body: { message: 'Cannot send messages to this user', code: 50007 } });
    const reply = await runCommand(ctx.harness, 'privacy', sub('export'));
    expect(isPrivate(reply)).toBe(true);
    expect(reply.data.embeds[0]!.description).toMatch(/refused a direct message/);
    const [callback] = await ctx.harness.fake.waitForCalls('POST', /^\/interactions\/\d+\/[^/]+\/callback$/, 1);
    const files = ctx.harness.fake.requests.filter((r) => r.files.length > 0 && r.path.includes('/callback')).flatMap((r) => r.files);
    expect(callback).toBeDefined();
    expect(JSON.parse(files.at(-1)!.data.toString('utf8'))).toMatchObject({ user_id: ALICE });
  });
});

describe('/privacy delete', () => {
  it('asks to confirm; only the member may press the button; pressing it erases their data', async () => {
    await history();
    const reply = (await runCommand(ctx.harness, 'privacy', sub('delete'))) as Reply;
    expect(isPrivate(reply)).toBe(true);
    const button = reply.data.components![0]!.components[0]!.custom_id;
    expect(button).toBe(`privacy:erase:${ALICE}`);
    // Nothing is erased before the button; another member pressing it is refused.
    const lake = async () => (await queryRows<{ n: number }>(ctx.database.db, sql`SELECT count(*)::int AS n FROM lake_events WHERE actor_id = ${ALICE}`))[0]!.n;
    expect(await lake()).toBe(5);
    const stranger = await answerTo<Reply>(ctx.harness, buttonClick(button, { id: BOB }) as never);
    expect(stranger.data.embeds[0]!.description).toMatch(/Only the member who asked/);
    expect(await lake()).toBe(5);
    const confirmed = await answerTo<Reply>(ctx.harness, buttonClick(button, { id: ALICE }) as never);
    expect(confirmed.data.embeds[0]!.title).toBe('Erased');
    expect(await lake()).toBe(0);
    expect(await queryRows(ctx.database.db, sql`SELECT 1 FROM transactions WHERE user_id = ${ALICE}`)).toEqual([]);
    const [entry] = await queryRows<{ actor: string }>(ctx.database.db, sql`SELECT actor FROM audit_log WHERE action = 'member.erase'`);
    expect(entry!.actor).toBe('the member (by /privacy delete)');
  });
});
