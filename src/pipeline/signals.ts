// Signals computed before evaluation from data that is never stored: the content of a message is
// held in memory beside its event (a WeakMap keyed by the event object, so it never becomes a
// property, is never serialised, and goes when the event does), scored, and dropped.
import type { LakeEvent } from '../events/lake-event.ts';
import type { EventSignals } from '../rules/types.ts';

/** The most of a message's text kept for scoring. */
export const MAX_HELD_CONTENT = 2_000;

const heldContent = new WeakMap<object, string>();
const computed = new WeakMap<object, EventSignals>();

/** Keeps a message's text beside its (raw or parsed) event, in memory only. */
export function holdContent(event: object, content: string): void {
  if (content.length > 0) heldContent.set(event, content.slice(0, MAX_HELD_CONTENT));
}

export function heldContentOf(event: object): string | undefined {
  return heldContent.get(event);
}

/** Moves held content from a raw input to the event parsed from it. */
export function carryContent(from: object, to: object): void {
  const content = heldContent.get(from);
  if (content !== undefined) heldContent.set(to, content);
}

export function setSignals(event: LakeEvent, signals: EventSignals): void {
  computed.set(event, signals);
  // Scored: the text is not needed any more.
  heldContent.delete(event);
}

export function signalsOf(event: LakeEvent): EventSignals | undefined {
  return computed.get(event);
}

/** Computes signals for events whose rules read them (the AI module provides one). */
export interface SignalProvider {
  /** Whether this event must wait for signals: a rule it can trigger reads one. Cheap, no I/O on the hot path. */
  needs(event: LakeEvent): boolean | Promise<boolean>;
  compute(event: LakeEvent, content: string | undefined): Promise<EventSignals>;
}
