// Shapes of the panel's own: documents as the editors hold them while they are edited (looser than
// the server's, since a half-typed rule is still shown), and answers no server type names yet.
// The API's answers come from the server itself: `import type { … } from '$api/contract'`.

import type { Rule } from '$api/contract';

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

/** A stored rule's document as the editor holds it (a copy): the server's type, whose `vars` are
 *  `unknown` to its schema, are JSON values here since documents come and go as JSON. */
export const editableRule = (document: Rule['document']): RuleDocument => structuredClone(document) as RuleDocument;
