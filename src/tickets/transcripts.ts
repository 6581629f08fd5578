// A ticket's messages, kept only while the guild has transcripts on (the one exception to "no
// message content"): new messages, edits and deletions. Without transcripts nothing is written.
import { and, eq } from 'drizzle-orm';
import type { Executor } from '../db/client.ts';
import { ticketMessages } from '../db/schema.ts';

export interface IncomingMessage {
  guildId: string;
  number: number;
  messageId: string;
  authorId: string;
  content: string;
  attachments: { name: string; url: string; size: number }[];
  sentAt: Date;
}

// Postgres text cannot hold NUL; a member's message may.
const storable = (text: string) => text.replaceAll('\u0000', '');

export async function keepMessage(exec: Executor, message: IncomingMessage): Promise<void> {
  await exec
    .insert(ticketMessages)
    .values({ ...message, content: storable(message.content), attachments: message.attachments.map((a) => ({ ...a, name: storable(a.name), url: storable(a.url) })) })
    .onConflictDoNothing();
}

export async function keepEdit(exec: Executor, guildId: string, messageId: string, content: string, at: Date): Promise<void> {
  await exec.update(ticketMessages).set({ content: storable(content), editedAt: at }).where(and(eq(ticketMessages.guildId, guildId), eq(ticketMessages.messageId, messageId)));
}

export async function keepDeletion(exec: Executor, guildId: string, messageId: string, at: Date): Promise<void> {
  await exec.update(ticketMessages).set({ deletedAt: at }).where(and(eq(ticketMessages.guildId, guildId), eq(ticketMessages.messageId, messageId)));
}
