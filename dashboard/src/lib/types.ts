// The shapes the panel reads from the API (see GET /api/openapi.json for the full document).

export interface Principal {
  kind: 'admin' | 'user';
  id: string;
  name: string;
  guildIds: string[] | null;
}

export interface Guild {
  id: string;
  name: string;
  isDemo: boolean;
  timezone: string;
  configVersion: number;
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface RuleDocument {
  key: string;
  name: string;
  description?: string;
  module?: string;
  enabled?: boolean;
  mode?: 'live' | 'shadow';
  priority?: number;
  stop_processing?: boolean;
  trigger: {
    events: string[];
    channels?: string[];
    zones?: string[];
    exclude_channels?: string[];
    exclude_zones?: string[];
    roles?: { any?: string[]; all?: string[]; none?: string[] };
    currency?: string;
    milestone?: string;
    item?: string;
    exclude_self?: boolean;
    has_target?: boolean;
  };
  vars?: Record<string, Json>;
  conditions?: { name?: string; if: Json }[];
  limits?: Limit[];
  effects: Effect[];
}

export type Limit =
  | { kind: 'cooldown'; seconds: number; per?: string }
  | { kind: 'rate'; max: number; window_seconds: number; per?: string }
  | { kind: 'cap'; currency: string; max: number; period: 'day' | 'week'; per?: string };

export interface Effect {
  type: string;
  [field: string]: Json | undefined;
}

export interface RuleRow {
  id: number;
  key: string;
  version: number;
  enabled: boolean;
  updatedAt: string;
  document: RuleDocument;
}

export interface RuleVersion {
  version: number;
  changedBy: string;
  changedAt: string;
  document: RuleDocument;
  current: boolean;
}

export interface Currency {
  id: number;
  key: string;
  name: string;
  symbol?: string;
  spendable?: boolean;
  seasonal?: boolean;
  display_order?: number;
  level_curve?: unknown;
}

export interface Zone {
  key: string;
  name: string;
  channels?: string[];
}

export interface Overview {
  days: number;
  totals: { members: number; events: number; milestonesEarned: number };
  eventsPerDay: { day: string; type: string; count: number }[];
  currencyPerDay: { day: string; currency: string; minted: number; burned: number }[];
  topEarners: Record<string, { userId: string; name: string | null; balance: number }[]>;
}

export interface MemberRow {
  userId: string;
  displayName: string | null;
  balances: Record<string, number>;
}

export interface MemberProfile {
  userId: string;
  displayName: string | null;
  roles: string[];
  joinedAt: string | null;
  currencies: { key: string; name: string; symbol: string; balance: number; lifetimeEarned: number; level: number | null; nextLevelAt: number | null; levelStartsAt: number | null }[];
  milestones: { key: string; name: string; icon: string; rarity: string; earnedAt: string; season: number }[];
  activity: Record<string, number>;
  transactions: {
    id: number;
    at: string;
    currency: string;
    delta: number;
    balanceAfter: number;
    source: string;
    reason: string | null;
    rule: { key: string; name: string; version: number | null } | null;
    event: { sourceId: string; type: string; occurredAt: string; channelId: string | null } | null;
  }[];
}

export interface Season {
  id: number;
  number: number;
  name: string;
  startedAt: string;
  endedAt: string | null;
  current: boolean;
}

export interface Leaderboard {
  currency: string;
  period: 'all' | 'season';
  season: { id: number; number: number; name: string; current: boolean } | null;
  measure: 'balance' | 'season_balance' | 'season_earned';
  entries: { rank: number; userId: string; value: number }[];
}

export interface EffectTrace {
  type: string;
  status: 'planned' | 'skipped' | 'failed';
  member?: string | null;
  currency?: string;
  expression?: unknown;
  value?: number;
  amount?: number;
  role?: string;
  channel?: string | null;
  content?: string;
  event?: string;
  awarded?: string[];
  note?: string;
}

export interface RuleTrace {
  rule: string;
  name: string;
  version: number;
  module: string;
  mode: 'live' | 'shadow';
  priority: number;
  trigger: { matched: boolean; reason?: string; listening?: false };
  vars?: Record<string, unknown>;
  conditions: { name: string; value: unknown; passed: boolean }[];
  limits: { kind: string; per: string; passed: boolean; state: string }[];
  effects: EffectTrace[];
  fired: boolean;
  applied: boolean;
  skipped?: string;
  error?: string;
}

export interface DryRunResult {
  guild_id: string;
  rules_version: number;
  event: { type: string; source_id: string; actor_id: string | null; target_id: string | null; channel_id: string | null; occurred_at: string; data: Record<string, unknown> };
  rules: RuleTrace[];
  chain: { event: DryRunResult['event']; depth: number; rules: RuleTrace[]; notes: string[] }[];
  notes: string[];
  balances: Record<string, Record<string, { before: number; after: number }>>;
  levels: Record<string, Record<string, { before: number | null; after: number | null }>>;
  outbox: { kind: string; payload: Record<string, unknown> }[];
  milestones: { member: string; milestone: string }[];
  errors: { rule: string; message: string }[];
  invalid_rules: { rule: string; path: string; message: string }[];
}

/** GET /guilds/:g/directory: channels and roles for pickers (names are null when only stored ids are known). */
export interface Directory {
  source: 'discord' | 'stored';
  categories: { id: string; name: string | null }[];
  channels: { id: string; name: string | null; kind: string; parentId: string | null }[];
  roles: { id: string; name: string | null; everyone: boolean; memberCount: number }[];
}
