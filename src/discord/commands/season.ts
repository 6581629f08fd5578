// /season show | /season roll [name] — admins see the current season and close it to open the
// next (seasonal currencies are snapshotted and reset). The roll's boundary is the moment the
// interaction was created, so a replayed interaction finds the season already rolled.
import { SlashCommandBuilder } from 'discord.js';
import { and, count, eq, isNotNull } from 'drizzle-orm';
import { audit } from '../../audit/audit.ts';
import { seasons } from '../../db/schema.ts';
import { currentSeason, rollSeason, type Season } from '../../ledger/seasons.ts';
import { snowflakeIso } from '../normalize/snowflake.ts';
import type { SlashCommand } from './command.ts';
import { currenciesInOrder } from './currency-option.ts';
import { Colour, embed, formatAmount, refuse, relativeTime } from './replies.ts';

const started = (s: Season) => (s.startedAt.getTime() <= 0 ? 'since the beginning' : `started ${relativeTime(s.startedAt)}`);

export const season: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('season')
    .setDescription('See or roll the season (admins)')
    .addSubcommand((s) => s.setName('show').setDescription('The current season'))
    .addSubcommand((s) =>
      s
        .setName('roll')
        .setDescription('End the current season and start the next; seasonal currencies reset')
        .addStringOption((o) => o.setName('name').setDescription('Name of the new season (default: Season N)').setMaxLength(100)),
    )
    .toJSON(),
  access: 'admin',
  ephemeral: false,
  async run({ interaction, guildId, userId, configs, db }) {
    const config = await configs.get(guildId);
    const seasonal = currenciesInOrder(config.currencies).filter((c) => c.seasonal).map((c) => c.name);
    const resets = seasonal.length > 0 ? `Seasonal currencies: ${seasonal.join(', ')}.` : 'No currency is seasonal: a roll only starts a new leaderboard period.';
    if (interaction.options.getSubcommand() === 'show') {
      const current = await currentSeason(db, guildId);
      const [past] = await db.select({ n: count() }).from(seasons).where(and(eq(seasons.guildId, guildId), isNotNull(seasons.endedAt)));
      return { embeds: [embed(`${current.name} (season ${current.number})`, `Current season, ${started(current)}. ${formatAmount(past?.n ?? 0)} past season(s).\n${resets}`)] };
    }
    const name = interaction.options.getString('name')?.trim() || undefined;
    const outcome = await rollSeason(db, guildId, { boundary: new Date(snowflakeIso(interaction.id)), ...(name ? { name } : {}) });
    if (outcome.status === 'already_rolled') {
      return refuse('already_rolled', `${outcome.current.name} started at or after this command; it was not rolled again.`, { season: outcome.current.number });
    }
    await audit(db, { guildId, actor: `discord:${userId} (${interaction.user.username})`, action: 'season.roll', entityType: 'season', entityKey: String(outcome.opened.number), before: { season: outcome.closed.number }, after: { season: outcome.opened.number, name: outcome.opened.name } });
    return {
      embeds: [
        embed(`${outcome.opened.name} has begun`, `${outcome.closed.name} is over. ${formatAmount(outcome.walletsReset)} seasonal balance(s) were reset.\n${resets}`, { color: Colour.success }),
      ],
    };
  },
};
