// What evaluation produces: a plan to apply in the event's transaction, and optionally a trace.
import type { LakeEvent } from '../events/lake-event.ts';

export interface PlannedPosting {
  userId: string;
  currencyId: number;
  currency: string;
  delta: number;
  /** The wallet's balance right after this posting. */
  balanceAfter: number;
  source: 'rule' | 'manual';
  ruleId: number | null;
  ruleVersion: number | null;
  reason: string;
  detail: Record<string, unknown> | null;
  at: string;
}

export interface PlannedFiring {
  ruleId: number;
  ruleVersion: number;
  depth: number;
  actorId: string | null;
  targetId: string | null;
  channelId: string | null;
  amounts: Record<string, number>;
  /** ms since epoch (event time). */
  at: number;
}

export interface PlannedOutbox {
  kind: 'role_add' | 'role_remove' | 'message' | 'dm';
  ruleId: number | null;
  payload: Record<string, unknown>;
  /** Not before (ISO time): throttled announcements are spaced out. */
  availableAt?: string;
}

export interface PlannedLevel {
  userId: string;
  currencyId: number;
  level: number;
}

export interface PlannedMilestoneAward {
  userId: string;
  milestoneId: number;
  key: string;
  seasonId: number;
  ruleId: number | null;
  /** Event time of the award. */
  at: string;
}

export interface Plan {
  postings: PlannedPosting[];
  levels: PlannedLevel[];
  firings: PlannedFiring[];
  outbox: PlannedOutbox[];
  milestoneAwards: PlannedMilestoneAward[];
}

export interface MilestoneAward {
  id: number;
  key: string;
  name: string;
  rarity: string;
  seasonId: number;
  outbox: Omit<PlannedOutbox, 'ruleId'>[];
}

/** Checks milestones for a member inside an evaluation (implemented by the milestones module). */
export interface MilestoneHook {
  check(userId: string, event: LakeEvent, only: string[] | undefined, apply: boolean): MilestoneAward[];
  /** Takes back an award made by check() whose rule was then undone, so it can be earned again. */
  forget?(userId: string, milestoneId: number, seasonId: number): void;
}

export interface EffectTrace {
  type: string;
  status: 'planned' | 'skipped' | 'failed';
  member?: string | null;
  currency?: string;
  /** The amount as written in the rule (number or JSON Logic). */
  expression?: unknown;
  /** The expression's value before rounding. */
  value?: number;
  /** The whole amount moved, after rounding and caps. */
  amount?: number;
  role?: string;
  channel?: string | null;
  content?: string;
  event?: string;
  data?: Record<string, unknown>;
  awarded?: string[];
  note?: string;
}

export interface RuleTrace {
  rule: string;
  name: string;
  ruleId: number;
  version: number;
  module: string;
  mode: 'live' | 'shadow';
  priority: number;
  /** listening: false marks a rule of other event types (the dry run lists those too). */
  trigger: { matched: boolean; reason?: string; listening?: false };
  vars?: Record<string, unknown>;
  conditions: { name: string; value: unknown; passed: boolean }[];
  limits: { kind: string; per: string; passed: boolean; state: string }[];
  effects: EffectTrace[];
  /** The rule's conditions and limits passed and its effects were computed. */
  fired: boolean;
  /** Its effects were applied (live rules only). */
  applied: boolean;
  skipped?: string;
  error?: string;
}

export interface EventTrace {
  event: Pick<LakeEvent, 'type' | 'source_id' | 'actor_id' | 'target_id' | 'channel_id' | 'occurred_at' | 'data'>;
  depth: number;
  rules: RuleTrace[];
  notes: string[];
}

export interface RuleError {
  rule: string;
  ruleId: number;
  event: string;
  message: string;
}

export interface Evaluation {
  plan: Plan;
  errors: RuleError[];
  /** Chain notes: depth limits reached, cycles detected. */
  notes: string[];
  trace?: EventTrace[];
}

/**
 * Values computed for a root event before evaluation, outside the engine (they may be slow, e.g.
 * an AI call), and why a value is missing. Held in memory only, never stored.
 */
export interface EventSignals {
  /** 0–1; null or absent: unavailable (rules read null). */
  ai_quality?: number | null;
  /** How the signals were had or why not, for the trace. */
  notes?: string[];
}
