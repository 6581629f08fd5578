// thread_create from THREAD_CREATE payloads.
import { describe, expect, it } from 'vitest';
import { normalizeThread } from '../../../src/discord/normalize/thread.ts';
import { snowflakeIso } from '../../../src/discord/normalize/snowflake.ts';
import { ALICE, CHANNEL, GUILD, THREAD_ID, thread } from '../support/payloads.ts';

describe('normalizeThread', () => {
  it('turns a newly created thread into thread_create by its owner, in its parent channel', () => {
    expect(normalizeThread(thread({ id: THREAD_ID, owner: ALICE, name: 'Ideas' }))).toEqual({
      ok: true,
      event: {
        source_id: THREAD_ID,
        type: 'thread_create',
        guild_id: GUILD,
        actor_id: ALICE,
        target_id: null,
        channel_id: CHANNEL,
        occurred_at: snowflakeIso(THREAD_ID),
        data: { name: 'Ideas', parent_channel_id: CHANNEL },
      },
    });
  });

  it('skips threads the bot was merely added to, and threads started by bots', () => {
    expect(normalizeThread(thread({ newly: false }))).toMatchObject({ event: null });
    expect(normalizeThread(thread(), { ownerIsBot: true })).toMatchObject({ event: null, skipped: 'thread started by a bot' });
  });

  it('reports a new thread without an owner', () => {
    const { owner_id: _owner, ...payload } = thread();
    expect(normalizeThread(payload)).toEqual({ ok: false, problems: ['owner_id: is required for a new thread'] });
  });
});
