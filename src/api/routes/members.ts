// /api/guilds/:guildId/members — the members list (search, sort, filters), profiles (balances, levels, milestones, recent
// transactions with the rule and event behind each) and manual awards.
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { SignedAmount } from '../../config/ranges.ts';
import { queryRows } from '../../db/client.ts';
import { Snowflake } from '../../events/lake-event.ts';
import { LevelCurveSchema, thresholdFor } from '../../ledger/currency.ts';
import { awardRefusal } from '../../ledger/ledger.ts';
import { listMembers } from '../../members/list.ts';
import { namedRoles } from '../../members/roles.ts';
import { ApiError } from '../errors.ts';
import type { RouteDoc } from '../openapi.ts';
import type { AppEnv } from '../types.ts';
import { parseWith, readJson } from '../validate.ts';
import { guildOf } from './helpers.ts';

/** Query strings arrive as text; control characters (NUL above all) are never part of a name. */
const hasControl = (s: string) => [...s].some((ch) => ch.charCodeAt(0) < 32 || ch.charCodeAt(0) === 127);

export const MemberListQuery = z.object({
  /** A name (display name or username; case-insensitive, anywhere in it) or the start of a user id. */
  search: z.string().max(100).refine((s) => !hasControl(s), 'must not contain control characters').optional(),
  sort: z.enum(['name', 'joined', 'balance']).default('name'),
  /** The currency to sort by (with sort=balance). */
  currency: z.string().max(64).optional(),
  /** Default: ascending by name, newest or richest first otherwise. */
  order: z.enum(['asc', 'desc']).optional(),
  /** Members still in the guild, those who left, or both (the default; those who left are flagged by leftAt). */
  status: z.enum(['present', 'left', 'all']).default('all'),
  joinedWithinDays: z.coerce.number().int().min(1).max(36_500).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
const RoleOut = z.object({ id: z.string(), name: z.string().nullable(), color: z.number() }).meta({ id: 'MemberRole', description: "A role with its name and colour from the guild's directory (name null when unknown)" });
const MemberIdentity = {
  userId: z.string(),
  displayName: z.string().nullable(),
  username: z.string().nullable(),
  avatarUrl: z.string().nullable(),
  isBot: z.boolean(),
  joinedAt: z.string().nullable(),
  /** Set when the member left the guild. */
  leftAt: z.string().nullable(),
  roles: z.array(RoleOut),
};
export const MemberRowOut = z
  .object({ ...MemberIdentity, balances: z.record(z.string(), z.number()), levels: z.record(z.string(), z.number()) })
  .meta({ id: 'MemberRow', description: 'A member of the list: identity, roles, balances, and levels of the leveled currencies' });
export const MemberListOut = z.object({ total: z.number(), limit: z.number(), offset: z.number(), members: z.array(MemberRowOut) }).meta({ id: 'MemberList' });

const AwardBody = z
  .object({
    currency: z.string().min(1),
    amount: SignedAmount(),
    reason: z.string().max(500).default(''),
  })
  .strict();
const UserId = z.object({ userId: Snowflake });
type MemberList = z.output<typeof MemberListOut>;
type MemberProfile = z.output<typeof MemberProfileOut>;

export const MemberProfileOut = z
  .object({
    ...MemberIdentity,
    currencies: z.array(
      z.object({
        key: z.string(), name: z.string(), symbol: z.string(), balance: z.number(), lifetimeEarned: z.number(),
        level: z.number().nullable(), nextLevelAt: z.number().nullable(), levelStartsAt: z.number().nullable(),
        /** What the level curve counts (lifetime earned or the balance, as the curve says); null without levels. */
        levelTotal: z.number().nullable(),
        /** Place on the all-time leaderboard of the currency (null without a positive balance). */
        rank: z.number().nullable(),
      }),
    ),
    milestones: z.array(z.object({ key: z.string(), name: z.string(), icon: z.string(), rarity: z.string(), earnedAt: z.string(), season: z.number() })),
    activity: z.record(z.string(), z.number()),
    transactions: z.array(
      z.object({
        id: z.number(), at: z.string(), currency: z.string(), delta: z.number(), balanceAfter: z.number(), source: z.string(), reason: z.string().nullable(),
        rule: z.object({ key: z.string(), name: z.string(), version: z.number().nullable() }).nullable(),
        event: z.object({ sourceId: z.string(), type: z.string(), occurredAt: z.string(), channelId: z.string().nullable() }).nullable(),
      }),
    ),
  })
  .meta({ id: 'MemberProfile' });

const P = '/api/guilds/{guildId}/members';
export const memberDocs: RouteDoc[] = [
  { method: 'get', path: P, summary: 'Members: search by name or id prefix, sort by name, join date or a balance, filter by presence and join date; paged with the total', tag: 'members', query: MemberListQuery, response: MemberListOut },
  { method: 'get', path: `${P}/{userId}`, summary: 'A member: name, avatar, roles, balances, levels, ranks, milestones, activity, recent transactions explained', tag: 'members', response: MemberProfileOut, statuses: [404] },
  { method: 'post', path: `${P}/{userId}/award`, summary: 'Award (or fine, with a negative amount) a member; recorded as a manual_award event', tag: 'members', body: AwardBody, response: z.object({ member: z.string(), currency: z.string(), amount: z.number(), balance: z.number(), sourceId: z.string() }), statuses: [409] },
];

export function memberRoutes() {
  const app = new Hono<AppEnv>();

  app.get('/', async (c) => {
    const q = parseWith(MemberListQuery, c.req.query(), 'query');
    const services = c.get('services');
    const result = await listMembers(services.database.db, guildOf(c), q, services.clock.now());
    if (!result.ok) throw new ApiError('validation_failed', `${result.path} ${result.message}`, [{ path: result.path, message: result.message }]);
    return c.json({ total: result.total, limit: q.limit, offset: q.offset, members: result.members } satisfies MemberList);
  });

  app.get('/:userId', async (c) => {
    const { userId } = parseWith(UserId, { userId: c.req.param('userId') }, 'URL');
    const guildId = guildOf(c);
    const db = c.get('services').database.db;
    const [member] = await queryRows<{ display_name: string | null; username: string | null; avatar_url: string | null; is_bot: boolean; roles: string[]; joined_at: string | null; left_at: string | null }>(
      db,
      sql`SELECT display_name, username, avatar_url, is_bot, roles, joined_at::text, left_at::text FROM members WHERE guild_id = ${guildId} AND user_id = ${userId}`,
    );
    // The rank follows the leaderboard's order: positive balances, highest first, then by user id.
    const wallets = await queryRows<{ key: string; name: string; symbol: string; balance: string; lifetime_earned: string; level: number | null; level_curve: unknown; rank: number | null }>(
      db,
      sql`SELECT c.key, c.name, c.symbol, COALESCE(w.balance, 0)::text AS balance, COALESCE(w.lifetime_earned, 0)::text AS lifetime_earned, w.level, c.level_curve,
                 CASE WHEN w.balance > 0 THEN 1 + (SELECT count(*)::int FROM wallets o WHERE o.currency_id = c.id AND (o.balance > w.balance OR (o.balance = w.balance AND o.user_id < w.user_id))) END AS rank
          FROM currencies c LEFT JOIN wallets w ON w.currency_id = c.id AND w.user_id = ${userId}
          WHERE c.guild_id = ${guildId} ORDER BY c.display_order, c.key`,
    );
    const roleNames = await namedRoles(db, guildId, member?.roles ?? []);
    const hasWallet = await queryRows<{ n: number }>(db, sql`SELECT count(*)::int n FROM wallets WHERE guild_id = ${guildId} AND user_id = ${userId}`);
    if (!member && (hasWallet[0]?.n ?? 0) === 0) throw new ApiError('not_found', `member ${userId} has no activity in this guild`);
    const earned = await queryRows<{ key: string; document: Record<string, unknown>; earned_at: string; season: number }>(
      db,
      sql`SELECT m.key, m.document, mm.earned_at::text, COALESCE(s.number, 0) AS season FROM member_milestones mm JOIN milestones m ON m.id = mm.milestone_id
          LEFT JOIN seasons s ON s.id = mm.season_id
          WHERE mm.guild_id = ${guildId} AND mm.user_id = ${userId} ORDER BY mm.earned_at DESC`,
    );
    const activity = await queryRows<{ event_type: string; side: string; n: string }>(
      db,
      sql`SELECT event_type, side, sum(count)::text AS n FROM event_counters_total WHERE guild_id = ${guildId} AND user_id = ${userId} GROUP BY 1, 2`,
    );
    const transactions = await queryRows<{
      id: string; at: string; key: string; delta: string; balance_after: string; source: string; reason: string | null;
      rule_key: string | null; rule_name: string | null; rule_version: number | null; source_id: string | null; type: string | null; occurred_at: string | null; channel_id: string | null;
    }>(
      db,
      sql`SELECT t.id::text, t.at::text, c.key, t.delta::text, t.balance_after::text, t.source, t.reason,
                 r.key AS rule_key, r.document->>'name' AS rule_name, t.rule_version,
                 l.source_id, l.type, l.occurred_at::text, l.channel_id::text
          FROM transactions t JOIN currencies c ON c.id = t.currency_id
          LEFT JOIN rules r ON r.id = t.rule_id
          LEFT JOIN lake_events l ON l.id = t.lake_event_id
          WHERE t.guild_id = ${guildId} AND t.user_id = ${userId}
          ORDER BY t.id DESC LIMIT 50`,
    );
    return c.json({
      userId,
      displayName: member?.display_name ?? null,
      username: member?.username ?? null,
      avatarUrl: member?.avatar_url ?? null,
      isBot: member?.is_bot ?? false,
      joinedAt: member?.joined_at ? new Date(member.joined_at).toISOString() : null,
      leftAt: member?.left_at ? new Date(member.left_at).toISOString() : null,
      roles: roleNames(member?.roles ?? []),
      currencies: wallets.map((w) => {
        const curve = w.level_curve ? LevelCurveSchema.safeParse(w.level_curve) : undefined;
        const level = curve?.success ? (w.level ?? curve.data.start_level) : null;
        return {
          key: w.key, name: w.name, symbol: w.symbol, balance: Number(w.balance), lifetimeEarned: Number(w.lifetime_earned), level,
          nextLevelAt: curve?.success && level !== null && Number.isFinite(thresholdFor(curve.data, level)) ? thresholdFor(curve.data, level) : null,
          levelStartsAt: curve?.success && level !== null && level > curve.data.start_level ? thresholdFor(curve.data, level - 1) : curve?.success ? 0 : null,
          levelTotal: curve?.success ? Number(curve.data.based_on === 'balance' ? w.balance : w.lifetime_earned) : null,
          rank: w.rank,
        };
      }),
      milestones: earned.map((m) => ({ key: m.key, name: String(m.document.name ?? m.key), icon: String(m.document.icon ?? '🏅'), rarity: String(m.document.rarity ?? 'common'), earnedAt: new Date(m.earned_at).toISOString(), season: m.season })),
      activity: Object.fromEntries(activity.map((a) => [a.side === 'actor' ? a.event_type : `${a.event_type}.received`, Number(a.n)])),
      transactions: transactions.map((t) => ({
        id: Number(t.id), at: new Date(t.at).toISOString(), currency: t.key, delta: Number(t.delta), balanceAfter: Number(t.balance_after), source: t.source, reason: t.reason,
        rule: t.rule_key ? { key: t.rule_key, name: t.rule_name ?? t.rule_key, version: t.rule_version } : null,
        event: t.source_id ? { sourceId: t.source_id, type: t.type!, occurredAt: new Date(t.occurred_at!).toISOString(), channelId: t.channel_id } : null,
      })),
    } satisfies MemberProfile);
  });

  app.post('/:userId/award', async (c) => {
    const { userId } = parseWith(UserId, { userId: c.req.param('userId') }, 'URL');
    const body = parseWith(AwardBody, await readJson(c));
    const services = c.get('services');
    const guildId = guildOf(c);
    const principal = c.get('principal');
    const [currency] = await queryRows<{ id: number }>(services.database.db, sql`SELECT id FROM currencies WHERE guild_id = ${guildId} AND key = ${body.currency}`);
    if (!currency) throw new ApiError('validation_failed', `unknown currency "${body.currency}"`, [{ path: 'currency', message: `unknown currency "${body.currency}"` }]);
    const sourceId = `award:${randomUUID()}`;
    // The award goes through the pipeline like any event: it is in the lake, and rules may react.
    // One the engine refuses is rolled back whole: a refusal writes nothing.
    const outcome = await services.awards.apply(services.pipeline, {
      source_id: sourceId, type: 'manual_award', guild_id: guildId, actor_id: principal.kind === 'user' && /^[0-9]+$/.test(principal.id) ? principal.id : '0',
      target_id: userId, channel_id: null, occurred_at: services.clock.now().toISOString(), data: { currency: body.currency, amount: body.amount, reason: body.reason || 'manual award' },
    });
    if (!outcome.ok) {
      // A balance that would leave its range is said in the ledger's own words.
      const why = await awardRefusal(services.database.db, guildId, userId, body.currency, body.amount);
      throw why?.code === 'out_of_range'
        ? new ApiError('conflict', `the award of ${body.amount} ${body.currency} was not applied: ${why.message}`, [{ path: 'amount', message: why.message }])
        : new ApiError('conflict', `the balance is too low for ${body.amount} ${body.currency}`, [{ path: 'amount', message: 'would overdraw the balance' }]);
    }
    return c.json({ member: userId, currency: body.currency, amount: body.amount, balance: outcome.balanceAfter, sourceId });
  });
  return app;
}
