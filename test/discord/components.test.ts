// Buttons, select menus and modals through the real discord.js client against the fake Discord:
// a custom id no module claims gets a private "not in use" answer, and the bot keeps running.
import { describe, expect, it } from 'vitest';
import { buttonClick, modalSubmit, selectChoice } from './support/components.ts';
import { answerTo, isPrivate, runCommand } from './support/interactions.ts';
import { useBot } from './support/use-bot.ts';

const ctx = useBot({ preset: 'classic' });

describe('component interactions', () => {
  it('answers a button no module claims privately, and the bot still answers commands after', async () => {
    const reply = await answerTo(ctx.harness, buttonClick('nobody:here:1') as never);
    expect(isPrivate(reply)).toBe(true);
    expect(reply.data.embeds[0]!.description ?? reply.data.embeds[0]!.title).toMatch(/not in use any more/);
    const profile = await runCommand(ctx.harness, 'profile');
    expect(profile.type).toBe(4);
  });

  it('answers an unclaimed select menu, modal and a hostile custom id the same way', async () => {
    for (const interaction of [selectChoice('nobody', ['a']), modalSubmit('nobody:x', { subject: 'hi' }), buttonClick(`${'\u0000'.repeat(3)}:${'x'.repeat(90)}`)]) {
      const reply = await answerTo(ctx.harness, interaction as never);
      expect(isPrivate(reply)).toBe(true);
    }
  });
});
