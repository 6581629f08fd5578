// A listener reacts to one gateway dispatch (raw payload, validated by its normalizer) or one
// discord.js client event. Helpers here turn a normalizer's verdict into an event or a log line.
import type { ClientEvents } from 'discord.js';
import type { BotContext } from './context.ts';
import { MalformedDispatchError } from './errors.ts';
import type { Normalized } from './normalize/result.ts';

export interface DispatchListener {
  readonly name: string;
  /** The gateway dispatch type, e.g. MESSAGE_CREATE. */
  readonly dispatch: string;
  run(context: BotContext, data: unknown): Promise<void> | void;
}

export interface ClientListener<K extends keyof ClientEvents = keyof ClientEvents> {
  readonly name: string;
  readonly event: K;
  run(context: BotContext, ...args: ClientEvents[K]): Promise<void> | void;
}

export type Listener = DispatchListener | ClientListener<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Keeps the event type of a client listener checked. */
export const clientListener = <K extends keyof ClientEvents>(listener: ClientListener<K>): ClientListener<K> => listener;

/** Queues a normalized event; logs skips (debug) and malformed payloads (warn, typed). */
export function emitNormalized(context: BotContext, dispatch: string, result: Normalized, onCommitted?: () => void): void {
  if (!result.ok) {
    reportMalformed(context, dispatch, result.problems);
    return;
  }
  if (result.event) context.events.push(result.event, onCommitted);
  else context.logger.debug({ dispatch, reason: result.skipped }, 'gateway event skipped');
}

export function reportMalformed(context: BotContext, dispatch: string, problems: string[]): void {
  const error = new MalformedDispatchError(dispatch, problems);
  context.logger.warn({ err: error, dispatch, problems }, 'malformed gateway payload skipped');
}

/** Reads a string field of an unvalidated payload (for cache lookups before validation). */
export function field(data: unknown, name: string): string | undefined {
  const value = typeof data === 'object' && data !== null ? (data as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' ? value : undefined;
}
