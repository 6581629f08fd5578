// The parts of a /profile card, in order. Each section turns a member into embed fields; adding one
// (season standing, …) is writing a section and listing it in PROFILE_SECTIONS.
import type { APIEmbedField } from 'discord.js';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../db/client.ts';
import { labelsFor } from '../../guilds/labels.ts';
import { LevelCurveSchema, thresholdFor } from '../../ledger/currency.ts';
import type { CommandServices } from './command.ts';
import { describeMilestone, earnedMilestones } from './milestones.ts';
import { formatAmount } from './replies.ts';

export type ProfileSection = (services: CommandServices, guildId: string, userId: string) => Promise<APIEmbedField[]>;

interface BalanceRow {
  key: string;
  name: string;
  symbol: string;
  balance: string | number;
  lifetime_earned: string | number;
  level: number | null;
  level_curve: unknown;
}

/** One field per currency the member holds or held: balance, and level with progress where the currency has a curve. */
export const balancesSection: ProfileSection = async ({ db, configs }, guildId, userId) => {
  const labels = labelsFor((await configs.get(guildId)).settings);
  const level = labels.term('level');
  const rows = await queryRows<BalanceRow>(
    db,
    sql`SELECT c.key, c.name, c.symbol, w.balance, w.lifetime_earned, w.level, c.level_curve
        FROM wallets w JOIN currencies c ON c.id = w.currency_id
        WHERE w.guild_id = ${guildId} AND w.user_id = ${userId}
        ORDER BY c.display_order, c.id`,
  );
  const held = rows.filter((r) => Number(r.balance) !== 0 || Number(r.lifetime_earned) !== 0);
  return held.map((row) => {
    const balance = Number(row.balance);
    const lines = [`**${formatAmount(balance)}**`];
    const curve = row.level_curve ? LevelCurveSchema.safeParse(row.level_curve) : undefined;
    if (curve?.success && row.level !== null) {
      const held = curve.data.based_on === 'balance' ? balance : Number(row.lifetime_earned);
      const next = thresholdFor(curve.data, row.level);
      lines.push(Number.isFinite(next) ? `${level} ${row.level} · ${formatAmount(held)} / ${formatAmount(next)} to ${level.toLowerCase()} ${row.level + 1}` : `${level} ${row.level} (top ${level.toLowerCase()})`);
    }
    return { name: labels.currencyWithSymbol(row), value: lines.join('\n'), inline: true };
  });
};

/** The member's three latest milestones, if any. */
export const recentMilestonesSection: ProfileSection = async ({ db, configs }, guildId, userId) => {
  const recent = await earnedMilestones(db, guildId, userId, 3);
  const term = labelsFor((await configs.get(guildId)).settings).term('milestones');
  return recent.length === 0 ? [] : [{ name: `Recent ${term}`.slice(0, 256), value: recent.map(describeMilestone).join('\n'), inline: false }];
};

export const PROFILE_SECTIONS: readonly ProfileSection[] = [balancesSection, recentMilestonesSection];
