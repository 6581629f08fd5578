// Running a slash command through the fake gateway and reading the bot's answer from the
// interaction callback the fake REST received.
import { expect } from 'vitest';
import type { BotHarness } from './harness.ts';
import { MEMBER_PERMISSIONS, slashCommand, type OptionInput } from './payloads.ts';

export const EPHEMERAL = 64;
export const OptionType = { SUB_COMMAND: 1, STRING: 3, INTEGER: 4, BOOLEAN: 5, USER: 6 } as const;

export interface ReplyEmbed {
  title: string;
  description?: string;
  color?: number;
  footer?: { text: string };
  fields?: { name: string; value: string; inline?: boolean }[];
}

export interface CallbackBody {
  type: number;
  data: { embeds: ReplyEmbed[]; flags?: number; content?: string };
}

export type Invoker = Parameters<typeof slashCommand>[2];

/** Dispatches a slash command (as a member without Manage Server unless told) and returns its callback body. */
export async function runCommand(harness: BotHarness, name: string, options: OptionInput[] = [], invoker: Invoker = {}): Promise<CallbackBody> {
  return answerTo(harness, slashCommand(name, options, { permissions: MEMBER_PERMISSIONS, ...invoker }));
}

/** Dispatches an interaction payload and waits for its (first) callback; `Body` types another kind of answer. */
export async function answerTo<Body = CallbackBody>(harness: BotHarness, interaction: ReturnType<typeof slashCommand>, nth = 1): Promise<Body> {
  harness.fake.dispatch('INTERACTION_CREATE', interaction);
  const calls = await harness.fake.waitForCalls('POST', new RegExp(`^/interactions/${interaction.id}/${interaction.token}/callback$`), nth);
  const callback = calls[nth - 1]!;
  expect(callback.headers.authorization).toBeUndefined();
  return callback.body as Body;
}

export const isPrivate = (reply: CallbackBody) => ((reply.data.flags ?? 0) & EPHEMERAL) === EPHEMERAL;
