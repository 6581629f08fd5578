// The Cairn process under fuzz: booted on this pass's database with rate limits off (the fuzz is one
// client sending thousands of requests), a guild token for the demo guild, and what the guild holds.
import { DEMO_GUILD_ID } from '../../../src/app/demo.ts';
import { bootCairn, FAULT_ADMIN_TOKEN, type CairnProcess } from '../../faults/support/cairn-process.ts';
export { prepareDatabase } from '../../faults/support/cairn-process.ts';
import type { FuzzWorld } from './operations.ts';

export interface FuzzTarget {
  cairn: CairnProcess;
  /** Set on the Postgres pass; else Cairn runs on PGlite under dataDir. */
  databaseUrl: string | undefined;
  guildToken: string;
  /** The guild token's id: the fuzz must not revoke it. */
  tokenId: number;
}


export async function bootFuzzTarget(dataDir: string, databaseUrl: string | undefined): Promise<FuzzTarget> {
  const cairn = await bootCairn({
    dataDir,
    databaseUrl,
    env: { CAIRN_RATE_LIMIT_REQUESTS: '0', CAIRN_RATE_LIMIT_EXPENSIVE: '0', CAIRN_RATE_LIMIT_EVENTS: '0', LOG_LEVEL: 'error' },
  });
  const res = await fetch(`${cairn.url}/api/tokens`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${FAULT_ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'fuzz', guildIds: [DEMO_GUILD_ID] }),
  });
  if (res.status !== 201) throw new Error(`could not issue the fuzz token: ${res.status} ${await res.text()}`);
  const { token, id } = (await res.json()) as { token: string; id: number };
  return { cairn, databaseUrl, guildToken: token, tokenId: id };
}

async function getJson(base: string, path: string, token: string): Promise<any> {
  const res = await fetch(`${base}${path}`, { headers: { Authorization: `Bearer ${token}` } });
  if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** Reads what the demo guild holds: keys for path parameters, documents for near-valid bodies. */
export async function readWorld(target: FuzzTarget): Promise<FuzzWorld> {
  const base = target.cairn.url;
  const g = `/api/guilds/${DEMO_GUILD_ID}`;
  const read = (path: string) => getJson(base, `${g}${path}`, target.guildToken);
  const [rules, currencies, zones, milestones, shop, members, settings] = await Promise.all([read('/rules'), read('/currencies'), read('/zones'), read('/milestones'), read('/shop'), read('/members?limit=20'), read('/settings')]);
  const keyed = (rows: { key: string }[]) => rows.map((r) => r.key);
  const op = (method: string, path: string) => `${method} /api/guilds/{guildId}${path}`;
  const memberIds: string[] = (members.members ?? members).map((m: { userId?: string; user_id?: string; id?: string }) => m.userId ?? m.user_id ?? m.id);
  return {
    guildId: DEMO_GUILD_ID,
    keys: { rules: keyed(rules), currencies: keyed(currencies), zones: keyed(zones), milestones: keyed(milestones), shop: keyed(shop) },
    members: memberIds.length > 0 ? memberIds : ['1000000000000001000'],
    examples: {
      [op('POST', '/rules')]: rules,
      [op('PUT', '/rules/{key}')]: rules,
      [op('PUT', '/currencies/{key}')]: currencies,
      [op('POST', '/currencies/curve-preview')]: currencies.filter((c: { level_curve?: unknown }) => c.level_curve).map((c: { level_curve: unknown }) => ({ level_curve: c.level_curve, levels: 10 })),
      [op('PUT', '/zones/{key}')]: zones,
      [op('PUT', '/milestones/{key}')]: milestones,
      [op('PUT', '/shop/{key}')]: shop,
      [op('PATCH', '/settings')]: [settings],
      [op('POST', '/members/{userId}/award')]: currencies.map((c: { key: string }) => ({ currency: c.key, amount: 5, reason: 'fuzz' })),
      [op('POST', '/shop/{key}/purchase')]: [{}],
    },
    protectedTokenId: target.tokenId,
  };
}
