// /leaderboard [currency] [season] — the top members of a currency: all time by default, the
// current season with `season: current`, or a past season by its number.
import { SlashCommandBuilder } from 'discord.js';
import { leaderboard as rank, type Leaderboard } from '../../ledger/leaderboard.ts';
import type { SlashCommand } from './command.ts';
import { labelsFor } from '../../guilds/labels.ts';
import { chooseCurrency, currencySuggestions } from './currency-option.ts';
import { embed, formatAmount, refuse } from './replies.ts';

const TOP = 10;
const MEDALS = ['🥇', '🥈', '🥉'];

/** "current", a season number, or nothing (all time); anything else is undefined. */
export function parseSeason(value: string | null): { ok: true; season: 'current' | number | undefined } | { ok: false } {
  const v = value?.trim().toLowerCase() ?? '';
  if (v === '' || v === 'all') return { ok: true, season: undefined };
  if (v === 'current') return { ok: true, season: 'current' };
  return /^[1-9]\d{0,5}$/.test(v) ? { ok: true, season: Number(v) } : { ok: false };
}

function period(board: Leaderboard): string {
  if (!board.season) return 'all time';
  return `${board.season.name}${board.season.current ? ' (current)' : ''}`;
}

export const leaderboard: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('leaderboard')
    .setDescription('The top members of a currency')
    .addStringOption((o) => o.setName('currency').setDescription('Currency key, e.g. xp (default: the first one)').setMaxLength(64).setAutocomplete(true))
    .addStringOption((o) => o.setName('season').setDescription('"current" or a season number (default: all time)').setMaxLength(16))
    .toJSON(),
  access: 'member',
  autocomplete: currencySuggestions,
  ephemeral: false,
  async run({ interaction, guildId, configs, db }) {
    const config = await configs.get(guildId);
    const labels = labelsFor(config.settings);
    const choice = chooseCurrency(config.currencies, interaction.options.getString('currency'), labels);
    if (!choice.ok) return choice.reply;
    const currency = choice.currency;
    const typedSeason = interaction.options.getString('season');
    const season = parseSeason(typedSeason);
    if (!season.ok) return refuse('invalid_season', `\`${typedSeason}\` is not a season: use \`current\` or a season number such as \`1\`.`, { season: typedSeason });
    const result = await rank(db, guildId, { currency: currency.key, limit: TOP, ...(season.season !== undefined ? { season: season.season } : {}) });
    if (!result.ok) return refuse(result.code, result.code === 'unknown_season' ? `There is no season ${String(season.season)} yet.` : result.message);
    const board = result.board;
    const title = `${labels.currencyWithSymbol(currency)} leaderboard — ${period(board)}`;
    const shown = labels.currency(currency);
    if (board.entries.length === 0) return { embeds: [embed(title, `Nobody has earned any ${shown} ${board.season ? 'in this season ' : ''}yet.`)] };
    const lines = board.entries.map((e) => `${MEDALS[e.rank - 1] ?? `**${e.rank}.**`} <@${e.userId}> — **${formatAmount(e.value)}**`);
    const footer = board.measure === 'season_earned' ? `${shown} earned during the season` : board.measure === 'season_balance' ? `${shown} held ${board.season?.current ? 'this season' : 'when the season ended'}` : `${shown} held`;
    return { embeds: [embed(title, lines.join('\n'), { footer: { text: footer } })] };
  },
};
