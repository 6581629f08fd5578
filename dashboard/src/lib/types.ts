// Shapes of the panel's own: documents as the editors hold them while they are edited (looser than
// the server's, since a half-typed rule is still shown), and answers no server type names yet.
// The API's answers come from the server itself: `import type { … } from '$api/contract'`.

import type { RuleQuarantine } from '$api/contract';

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
  /** Set while Cairn keeps the rule disabled because it kept failing. */
  quarantine: RuleQuarantine | null;
  document: RuleDocument;
}

export interface RuleVersion {
  version: number;
  changedBy: string;
  changedAt: string;
  document: RuleDocument;
  current: boolean;
}
