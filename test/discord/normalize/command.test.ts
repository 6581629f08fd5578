// command events from INTERACTION_CREATE payloads.
import { describe, expect, it } from 'vitest';
import { normalizeCommand } from '../../../src/discord/normalize/command.ts';
import { snowflakeIso } from '../../../src/discord/normalize/snowflake.ts';
import { ALICE, BOB, CHANNEL, GUILD, slashCommand } from '../support/payloads.ts';

describe('normalizeCommand', () => {
  it('records the invoker, the member option as target and the option values', () => {
    const payload = slashCommand('award', [{ name: 'member', type: 6, value: BOB }, { name: 'amount', type: 4, value: 5 }], { id: ALICE });
    expect(normalizeCommand(payload)).toEqual({
      ok: true,
      event: {
        source_id: payload.id,
        type: 'command',
        guild_id: GUILD,
        actor_id: ALICE,
        target_id: BOB,
        channel_id: CHANNEL,
        occurred_at: snowflakeIso(payload.id),
        data: { name: 'award', options: { member: BOB, amount: 5 } },
      },
    });
  });

  it('names a subcommand with its group, e.g. "season roll"', () => {
    const payload = slashCommand('season', [{ name: 'roll', type: 1, options: [{ name: 'name', type: 3, value: 'Winter' }] } as never]);
    expect(normalizeCommand(payload)).toMatchObject({ event: { data: { name: 'season roll', options: { name: 'Winter' } } } });
  });

  it('skips buttons, context-menu commands and commands outside guilds', () => {
    expect(normalizeCommand({ ...slashCommand('why'), type: 3 })).toMatchObject({ event: null, skipped: 'not a slash command' });
    const menu = slashCommand('why');
    expect(normalizeCommand({ ...menu, data: { ...menu.data, type: 2 } })).toMatchObject({ event: null });
    const { guild_id: _g, member: _m, ...dm } = slashCommand('why');
    expect(normalizeCommand(dm)).toMatchObject({ event: null, skipped: 'command outside a guild' });
  });

  it('reports an application command without data', () => {
    const { data: _data, ...payload } = slashCommand('why');
    expect(normalizeCommand(payload)).toEqual({ ok: false, problems: ['data: is required for an application command'] });
  });
});
