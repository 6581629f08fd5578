// /why — the caller's last rewards, each with the rule that gave it, the event behind it, when,
// and the amount moved.
import { SlashCommandBuilder } from 'discord.js';
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../db/client.ts';
import { labelsFor, type Labels } from '../../guilds/labels.ts';
import type { SlashCommand } from './command.ts';
import { embed, formatAmount, relativeTime } from './replies.ts';

export interface RewardLine {
  delta: number;
  currencyKey: string;
  currency: string;
  symbol: string;
  source: string;
  reason: string | null;
  ruleName: string | null;
  eventType: string | null;
  at: Date;
}

export async function lastRewards(db: Db, guildId: string, userId: string, limit = 10): Promise<RewardLine[]> {
  const rows = await queryRows<{
    delta: string | number; currency_key: string; currency: string; symbol: string; source: string; reason: string | null;
    rule_name: string | null; event_type: string | null; at: string | Date;
  }>(
    db,
    sql`SELECT t.delta, c.key AS currency_key, c.name AS currency, c.symbol, t.source, t.reason, r.document->>'name' AS rule_name,
               e.type AS event_type, COALESCE(e.occurred_at, t.at) AS at
        FROM transactions t
        JOIN currencies c ON c.id = t.currency_id
        LEFT JOIN rules r ON r.id = t.rule_id
        LEFT JOIN lake_events e ON e.id = t.lake_event_id
        WHERE t.guild_id = ${guildId} AND t.user_id = ${userId}
        ORDER BY t.id DESC
        LIMIT ${limit}`,
  );
  return rows.map((r) => ({
    delta: Number(r.delta), currencyKey: r.currency_key, currency: r.currency, symbol: r.symbol, source: r.source, reason: r.reason,
    ruleName: r.rule_name, eventType: r.event_type, at: new Date(r.at),
  }));
}

function describe(line: RewardLine, labels: Labels): string {
  const amount = `**${line.delta >= 0 ? '+' : ''}${formatAmount(line.delta)} ${labels.currencyWithSymbol({ key: line.currencyKey, name: line.currency, symbol: line.symbol })}**`;
  const cause = line.ruleName ?? (line.source === 'manual' ? `manual award${line.reason ? `: ${line.reason}` : ''}` : line.reason ?? line.source);
  const event = line.eventType ? ` · \`${line.eventType}\`` : '';
  return `${amount} — ${cause}${event} · ${relativeTime(line.at)}`;
}

export const why: SlashCommand = {
  data: new SlashCommandBuilder().setName('why').setDescription('Why did I get my last rewards?').toJSON(),
  access: 'member',
  ephemeral: true,
  async run({ db, guildId, userId, configs }) {
    const lines = await lastRewards(db, guildId, userId);
    const labels = labelsFor((await configs.get(guildId)).settings);
    if (lines.length === 0) return { embeds: [embed('No rewards yet', 'Take part — chat, react, join voice — and your rewards will show here.')] };
    return { embeds: [embed('Your last rewards', lines.map((line) => describe(line, labels)).join('\n'))] };
  },
};
