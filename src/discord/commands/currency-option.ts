// Resolving a currency option: a key (or name) typed by a member, or the guild's first currency
// by display order when none is given. Unknown keys become a refusal that lists the real ones.
import { labelsFor, type Labels } from '../../guilds/labels.ts';
import type { CurrencyInfo } from '../../rules/compiler.ts';
import type { CommandReply } from './command.ts';
import { refuse } from './replies.ts';

export type CurrencyChoice = { ok: true; currency: CurrencyInfo } | { ok: false; reply: CommandReply };

export function currenciesInOrder(currencies: ReadonlyMap<string, CurrencyInfo>): CurrencyInfo[] {
  return [...currencies.values()].sort((a, b) => a.display_order - b.display_order || a.id - b.id);
}

/** `labels`: what the guild calls its currencies; a member may type that name too. */
export function chooseCurrency(currencies: ReadonlyMap<string, CurrencyInfo>, typed: string | null, labels?: Labels): CurrencyChoice {
  const ordered = currenciesInOrder(currencies);
  if (ordered.length === 0) return { ok: false, reply: refuse('no_currencies', 'This server has no currencies yet; an admin can add some in the Cairn panel.') };
  if (typed === null || typed.trim() === '') return { ok: true, currency: ordered[0]! };
  const wanted = typed.trim().toLowerCase();
  const found = currencies.get(wanted) ?? ordered.find((c) => c.name.toLowerCase() === wanted || labels?.currency(c).toLowerCase() === wanted);
  if (found) return { ok: true, currency: found };
  const known = ordered.map((c) => `\`${c.key}\``).join(', ');
  return { ok: false, reply: refuse('unknown_currency', `There is no currency \`${typed.trim()}\` here. Known currencies: ${known}.`, { key: wanted }) };
}

export const currencyLabel = (c: Pick<CurrencyInfo, 'name' | 'symbol'>) => `${c.symbol ? `${c.symbol} ` : ''}${c.name}`;

/** At most 25 suggestions (Discord's limit) whose key or name contains what was typed. */
export function suggest<T>(items: T[], typed: string, label: (item: T) => string, value: (item: T) => string) {
  const q = typed.trim().toLowerCase();
  return items
    .filter((i) => q === '' || value(i).toLowerCase().includes(q) || label(i).toLowerCase().includes(q))
    .slice(0, 25)
    .map((i) => ({ name: label(i).slice(0, 100), value: value(i) }));
}

/** The guild's currencies, in display order, as autocomplete choices. */
export async function currencySuggestions(context: { configs: { get(guildId: string): Promise<{ currencies: ReadonlyMap<string, CurrencyInfo>; settings: Record<string, unknown> }> }; guildId: string; focused: { value: string } }) {
  const config = await context.configs.get(context.guildId);
  const labels = labelsFor(config.settings);
  return suggest(currenciesInOrder(config.currencies), context.focused.value, (c) => `${labels.currencyWithSymbol(c)} (${c.key})`, (c) => c.key);
}
