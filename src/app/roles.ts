// What a Cairn process does (CAIRN_ROLES): `api` serves HTTP (API and panel), `bot` holds the Discord
// gateway and drains the outbox, `jobs` runs the scheduled jobs. Every process answers /healthz and
// /metrics, so an orchestrator probes a gateway or jobs process like any other.
import { z } from 'zod';

export const ROLES = ['bot', 'api', 'jobs'] as const;
export type Role = (typeof ROLES)[number];

/** The roles a process runs, in ROLES order, each once. */
export type Roles = readonly Role[];

const isRole = (value: string): value is Role => (ROLES as readonly string[]).includes(value);

/** `bot,api` → ['bot', 'api']; unset means all three; an unknown or missing role is refused. */
export const RolesSchema = z
  .string()
  .default(ROLES.join(','))
  .transform((value, ctx): Roles => {
    const named = value.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
    const unknown = named.filter((s) => !isRole(s));
    if (unknown.length > 0) {
      ctx.addIssue({ code: 'custom', message: `names unknown role${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `"${u}"`).join(', ')} (roles: ${ROLES.join(', ')})` });
      return z.NEVER;
    }
    if (named.length === 0) {
      ctx.addIssue({ code: 'custom', message: `must name at least one role of ${ROLES.join(', ')} (comma-separated; unset runs all three)` });
      return z.NEVER;
    }
    return ROLES.filter((r) => named.includes(r));
  });

export const hasRole = (roles: Roles, role: Role): boolean => roles.includes(role);
