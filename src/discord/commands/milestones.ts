// /milestones [member] — the milestones a member earned (newest first) and how many of the
// guild's milestones that is.
import { SlashCommandBuilder } from 'discord.js';
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../db/client.ts';
import { labelsFor } from '../../guilds/labels.ts';
import type { SlashCommand } from './command.ts';
import { embed, relativeTime } from './replies.ts';

const SHOWN = 15;

export interface EarnedMilestone {
  key: string;
  name: string;
  icon: string;
  rarity: string;
  season: number;
  earnedAt: Date;
}

/** A member's milestones, newest first (season 0 = a lifetime milestone). */
export async function earnedMilestones(db: Db, guildId: string, userId: string, limit = 100): Promise<EarnedMilestone[]> {
  const rows = await queryRows<{ key: string; document: Record<string, unknown>; season: number | null; earned_at: string | Date }>(
    db,
    sql`SELECT m.key, m.document, s.number AS season, mm.earned_at
        FROM member_milestones mm
        JOIN milestones m ON m.id = mm.milestone_id
        LEFT JOIN seasons s ON s.id = mm.season_id
        WHERE mm.guild_id = ${guildId} AND mm.user_id = ${userId}
        ORDER BY mm.earned_at DESC, m.key
        LIMIT ${limit}`,
  );
  return rows.map((r) => ({
    key: r.key,
    name: String(r.document.name ?? r.key),
    icon: String(r.document.icon ?? '🏅'),
    rarity: String(r.document.rarity ?? 'common'),
    season: r.season ?? 0,
    earnedAt: new Date(r.earned_at),
  }));
}

export const describeMilestone = (m: EarnedMilestone) => `${m.icon} **${m.name}** · ${m.rarity}${m.season > 0 ? ` · season ${m.season}` : ''} · ${relativeTime(m.earnedAt)}`;

export const milestones: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('milestones')
    .setDescription("Your milestones, or another member's")
    .addUserOption((o) => o.setName('member').setDescription('Whose milestones (default: yours)'))
    .toJSON(),
  access: 'member',
  ephemeral: false,
  async run({ interaction, guildId, userId, db, configs }) {
    // What this server calls milestones ("Achievements"), as a word in the reply.
    const term = labelsFor((await configs.get(guildId)).settings).term('milestones');
    const member = interaction.options.getUser('member') ?? interaction.user;
    const name = member.globalName ?? member.username;
    const earned = await earnedMilestones(db, guildId, member.id);
    const [counts] = await queryRows<{ total: number; earned: number }>(
      db,
      sql`SELECT (SELECT count(*)::int FROM milestones WHERE guild_id = ${guildId} AND enabled) AS total,
                 (SELECT count(DISTINCT milestone_id)::int FROM member_milestones WHERE guild_id = ${guildId} AND user_id = ${member.id}) AS earned`,
    );
    const total = Number(counts?.total ?? 0);
    const title = `${name}'s ${term}`;
    if (earned.length === 0) {
      const who = member.id === userId ? 'You have' : `${name} has`;
      return { embeds: [embed(title, `${who} no ${term} yet${total > 0 ? ` (there are ${total} to earn)` : ''}.`)] };
    }
    const lines = earned.slice(0, SHOWN).map(describeMilestone);
    if (earned.length > SHOWN) lines.push(`…and ${earned.length - SHOWN} more`);
    const distinct = Number(counts?.earned ?? 0);
    return { embeds: [embed(title, lines.join('\n'), { footer: { text: `${distinct} of ${Math.max(total, distinct)} ${term} earned` } })] };
  },
};
