// How replies look: embeds in Cairn's colours, and the one place an error becomes a friendly,
// private message (expected errors say what to do; others give a reference for the logs).
import type { APIEmbed } from 'discord.js';
import { CommandError } from '../errors.ts';
import type { CommandReply } from './command.ts';

export const Colour = { info: 0x5865f2, success: 0x57f287, error: 0xed4245 } as const;

export function embed(title: string, description?: string, extra: Partial<APIEmbed> = {}): APIEmbed {
  return { title: title.slice(0, 256), ...(description ? { description: description.slice(0, 4096) } : {}), color: Colour.info, ...extra };
}

export function errorEmbed(error: unknown, reference: string): APIEmbed {
  if (error instanceof CommandError) return refusalEmbed(error.message);
  return embed('Something went wrong on our side', `Please try again in a moment. If it keeps happening, give an admin this reference: \`${reference}\`.`, {
    color: Colour.error,
  });
}

const refusalEmbed = (message: string) => embed('That did not work', message, { color: Colour.error });

/** An expected failure as a reply value: the same friendly, private message a CommandError gives. */
export function refuse(code: string, message: string, context: Record<string, unknown> = {}): CommandReply {
  return { embeds: [refusalEmbed(message)], refused: { code, context } };
}

/** <t:…:R> — Discord shows it as "3 minutes ago" in the reader's time zone. */
export const relativeTime = (at: Date | string) => `<t:${Math.floor(new Date(at).getTime() / 1000)}:R>`;

export const formatAmount = (n: number) => n.toLocaleString('en-US');
