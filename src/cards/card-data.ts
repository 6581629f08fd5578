// Reads what a rank card shows from the database: the member's name and avatar, the guild's accent,
// level and rank on the main currency (the first in the guild's order, as /leaderboard's default),
// up to three balances and the latest milestone.
import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client.ts';
import { LevelCurveSchema, thresholdFor } from '../ledger/currency.ts';
import { labelsFor, type Labels } from '../guilds/labels.ts';
import type { RankCardData } from './rank-card.ts';

export interface CardSubject {
  data: RankCardData;
  /** The member is in the directory or holds a wallet here (an unknown id is a 404 for the API). */
  known: boolean;
}

/** Names to use when the directory has none (e.g. /profile's discord.js user). */
export interface CardFallback {
  displayName?: string | null;
  username?: string | null;
}

interface MemberRow {
  accent: string | null;
  settings: Record<string, unknown>;
  display_name: string | null;
  username: string | null;
  avatar_url: string | null;
  is_member: boolean;
  left: boolean | null;
}

interface WalletRow {
  id: number;
  key: string;
  name: string;
  symbol: string;
  level_curve: unknown;
  balance: string | null;
  lifetime_earned: string | null;
  level: number | null;
}

/** The card of a member of a guild; null when Cairn does not know the guild. */
export async function loadRankCardData(db: Executor, guildId: string, userId: string, fallback: CardFallback = {}): Promise<CardSubject | null> {
  const [member] = await queryRows<MemberRow>(
    db,
    sql`SELECT g.settings->>'accent_color' AS accent, g.settings, m.display_name, m.username, m.avatar_url,
               m.user_id IS NOT NULL AS is_member, m.left_at IS NOT NULL AS left
        FROM guilds g LEFT JOIN members m ON m.guild_id = g.id AND m.user_id = ${userId}
        WHERE g.id = ${guildId}`,
  );
  if (!member) return null;
  const wallets = await queryRows<WalletRow>(
    db,
    sql`SELECT c.id, c.key, c.name, c.symbol, c.level_curve, w.balance::text AS balance, w.lifetime_earned::text AS lifetime_earned, w.level
        FROM currencies c LEFT JOIN wallets w ON w.currency_id = c.id AND w.guild_id = ${guildId} AND w.user_id = ${userId}
        WHERE c.guild_id = ${guildId}
        ORDER BY c.display_order, c.id`,
  );
  const [milestone] = await queryRows<{ key: string; name: string | null; icon: string | null }>(
    db,
    sql`SELECT m.key, m.document->>'name' AS name, m.document->>'icon' AS icon
        FROM member_milestones mm JOIN milestones m ON m.id = mm.milestone_id
        WHERE mm.guild_id = ${guildId} AND mm.user_id = ${userId}
        ORDER BY mm.earned_at DESC, m.key LIMIT 1`,
  );
  // The guild's own words: a currency's label replaces its name, `level` names the level badge.
  const labels = labelsFor(member.settings);
  const main = wallets[0];
  const held = wallets.filter((w) => w.balance !== null && (Number(w.balance) !== 0 || Number(w.lifetime_earned) !== 0));
  return {
    known: member.is_member || wallets.some((w) => w.balance !== null),
    data: {
      userId,
      displayName: member.display_name ?? fallback.displayName ?? member.username ?? fallback.username ?? '',
      username: member.username ?? fallback.username ?? null,
      avatarUrl: member.avatar_url,
      accentColor: member.accent,
      level: levelOf(main?.level_curve ? main : wallets.find((w) => w.level_curve), labels),
      rank: main ? await rankOf(db, main, userId, labels) : null,
      balances: held.slice(0, 3).map((w) => ({ name: labels.currency(w), symbol: w.symbol, amount: Number(w.balance) })),
      milestone: milestone ? { icon: milestone.icon ?? '🏅', name: milestone.name ?? milestone.key } : null,
      left: member.left === true,
    },
  };
}

/** Level and progress on a currency's curve (a member without a wallet is at the curve's start). */
function levelOf(wallet: WalletRow | undefined, labels: Labels): RankCardData['level'] {
  if (!wallet) return null;
  const curve = LevelCurveSchema.safeParse(wallet.level_curve);
  if (!curve.success) return null;
  const level = wallet.level ?? curve.data.start_level;
  const held = Number((curve.data.based_on === 'balance' ? wallet.balance : wallet.lifetime_earned) ?? 0);
  const next = thresholdFor(curve.data, level);
  return {
    level,
    held,
    startsAt: level > curve.data.start_level ? thresholdFor(curve.data, level - 1) : 0,
    nextAt: Number.isFinite(next) ? next : null,
    unit: labels.currency(wallet),
    label: labels.term('level'),
  };
}

/** Position on the all-time board of the currency, ordered as ledger/leaderboard.ts orders it. */
async function rankOf(db: Executor, wallet: WalletRow, userId: string, labels: Labels): Promise<RankCardData['rank']> {
  if (wallet.balance === null || !(Number(wallet.balance) > 0)) return null;
  const [row] = await queryRows<{ ahead: number }>(
    db,
    sql`SELECT count(*)::int AS ahead FROM wallets
        WHERE currency_id = ${wallet.id} AND balance > 0
          AND (balance > ${wallet.balance}::bigint OR (balance = ${wallet.balance}::bigint AND user_id < ${userId}::bigint))`,
  );
  return { position: Number(row?.ahead ?? 0) + 1, currency: labels.currency(wallet) };
}
