// Ticket test helpers: configure the desk through the settings write path, open a ticket the way a
// member does (button → modal → the deferred answer), and run /ticket inside a ticket's thread.
import { isDeepStrictEqual } from 'node:util';
import { and, eq, like } from 'drizzle-orm';
import { expect } from 'vitest';
import type { Database } from '../../../src/db/client.ts';
import { lakeEvents, tickets } from '../../../src/db/schema.ts';
import { changeSettings } from '../../../src/guilds/settings.ts';
import type { GuildSettingsPatch } from '../../../src/guilds/settings.ts';
import { buttonClick, modalSubmit, selectChoice, type ComponentInvoker } from './components.ts';
import { until, type BotHarness } from './harness.ts';
import { answerTo, type CallbackBody } from './interactions.ts';
import { CHANNEL, GUILD, member, MEMBER_PERMISSIONS, MOD_ROLE, slashCommand, user, type OptionInput } from './payloads.ts';

export const STAFF = { roles: [MOD_ROLE], permissions: MEMBER_PERMISSIONS };

/** settings.tickets for the tests: threads under the general channel, the moderators as staff. */
export async function configureDesk(database: Database, harness: BotHarness, tickets: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Promise<void> {
  const desk = { mode: 'thread', parent_channel_id: CHANNEL, staff_role_ids: [MOD_ROLE], ...tickets };
  const changed = await changeSettings(database.db, GUILD, { tickets: desk, ...extra } as GuildSettingsPatch, 'test');
  expect(changed.ok).toBe(true);
  await until(async () => isDeepStrictEqual((await harness.configs.get(GUILD)).settings.tickets, desk), 5_000, 'the desk settings reached the bot');
}

export interface EditedReply {
  embeds: { title?: string; description?: string }[];
}

/** The text of a deferred answer (the PATCH of @original for this interaction's token). */
export async function deferredAnswer(harness: BotHarness, token: string): Promise<string> {
  const [patch] = await harness.fake.waitForCalls('PATCH', new RegExp(`^/webhooks/\\d+/${token}/messages/@original$`));
  return (patch!.body as EditedReply).embeds[0]?.description ?? '';
}

/** A member clicks "Open a ticket" (or picks a category) and submits the subject modal; returns the answer they read. */
export async function openTicket(harness: BotHarness, subject: string, invoker: ComponentInvoker = {}, category?: string): Promise<{ answer: string; modalShown: CallbackBody }> {
  const click = category ? selectChoice('ticket:open-select', [category], { permissions: MEMBER_PERMISSIONS, ...invoker }) : buttonClick('ticket:open', { permissions: MEMBER_PERMISSIONS, ...invoker });
  const shown = await answerTo(harness, click as never);
  if (shown.type !== 9) return { answer: shown.data.embeds?.[0]?.description ?? '', modalShown: shown };
  const submit = modalSubmit(`ticket:subject:${category ?? 'general'}`, { subject }, { permissions: MEMBER_PERMISSIONS, ...invoker });
  const deferred = await answerTo(harness, submit as never);
  expect(deferred.type).toBe(5);
  return { answer: await deferredAnswer(harness, submit.token), modalShown: shown };
}

export async function ticketRow(database: Database, number: number) {
  const [row] = await database.db.select().from(tickets).where(and(eq(tickets.guildId, GUILD), eq(tickets.number, number)));
  return row;
}

/** A /ticket subcommand run inside a channel (a ticket's thread). */
export function ticketCommand(sub: string, channelId: string, options: OptionInput[] = [], invoker: Parameters<typeof slashCommand>[2] = {}) {
  const payload = slashCommand('ticket', [{ name: sub, type: 1, options }], { permissions: MEMBER_PERMISSIONS, ...invoker });
  // Members named in a sub-command's options are resolved as Discord resolves them.
  const named = options.filter((o) => o.type === 6).map((o) => String(o.value));
  const resolved = named.length > 0 ? { resolved: { users: Object.fromEntries(named.map((id) => [id, user(id)])), members: Object.fromEntries(named.map((id) => [id, { ...member(id), user: undefined, permissions: '0' }])) } } : {};
  return { ...payload, data: { ...payload.data, ...resolved }, channel_id: channelId, channel: { ...payload.channel, id: channelId, type: 12 } };
}

export async function runTicket(harness: BotHarness, sub: string, channelId: string, options: OptionInput[] = [], invoker: Parameters<typeof slashCommand>[2] = {}): Promise<string> {
  const reply = await answerTo(harness, ticketCommand(sub, channelId, options, invoker) as never);
  return reply.data.embeds[0]?.description ?? '';
}

/** A button on the ticket's first message, pressed inside its thread. */
export async function pressInTicket(harness: BotHarness, customId: string, channelId: string, invoker: ComponentInvoker = {}): Promise<string> {
  const click = buttonClick(customId, { permissions: MEMBER_PERMISSIONS, channelId, ...invoker });
  const first = await answerTo(harness, click as never);
  if (first.type === 4) return first.data.embeds[0]?.description ?? '';
  return deferredAnswer(harness, click.token);
}

export async function ticketLake(database: Database) {
  return database.db.select().from(lakeEvents).where(like(lakeEvents.type, 'ticket_%')).orderBy(lakeEvents.id);
}
