// Autocomplete through the real discord.js client and the fake Discord: typing in /buy's item and a
// currency option answers with the guild's items and currencies (Discord's type 8 callback).
import { describe, expect, it } from 'vitest';
import { answerTo, OptionType } from './support/interactions.ts';
import { useBot } from './support/use-bot.ts';
import { slashCommand } from './support/payloads.ts';

const ctx = useBot({ preset: 'classic' });

/** Types `value` into option `name` of a command and returns the suggestions Cairn answered with. */
async function suggestions(command: string, name: string, value: string): Promise<{ name: string; value: string }[]> {
  const interaction = { ...slashCommand(command, [{ name, type: OptionType.STRING, value, focused: true }]), type: 4 };
  const body = await answerTo<{ type: number; data: { choices: { name: string; value: string }[] } }>(ctx.harness, interaction);
  expect(body.type).toBe(8); // APPLICATION_COMMAND_AUTOCOMPLETE_RESULT
  return body.data.choices;
}

describe('autocomplete', () => {
  it('suggests the shop items for sale to /buy, matching what was typed', async () => {
    expect(await suggestions('buy', 'item', 'cof')).toEqual([{ name: '☕ Coffee — 25 gold', value: 'coffee' }]);
    expect(await suggestions('buy', 'item', 'nothing like it')).toEqual([]);
  });

  it('suggests currencies in display order, by key or name', async () => {
    expect((await suggestions('leaderboard', 'currency', '')).map((c) => c.value)).toEqual(['xp', 'stars', 'gold']);
    expect(await suggestions('leaderboard', 'currency', 'sta')).toEqual([{ name: '⭐ Stars (stars)', value: 'stars' }]);
    expect((await suggestions('award', 'currency', 'GOLD')).map((c) => c.value)).toEqual(['gold']);
  });

  it('answers an unknown command with no suggestions instead of failing', async () => {
    expect(await suggestions('no-such-command', 'x', 'a')).toEqual([]);
  });
});
