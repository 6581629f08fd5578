// Small builders for test data: events, guilds with currencies.
import type { Database } from '../../src/db/client.ts';
import { currencies, guilds } from '../../src/db/schema.ts';
import type { LakeEvent } from '../../src/events/lake-event.ts';

export const GUILD = '1160511689263947796';
export const OTHER_GUILD = '1160511689263947797';
export const ALICE = '987654321098765432';
export const BOB = '987654321098765433';
export const CAROL = '987654321098765434';
export const CHANNEL = '1111111111111111111';

let seq = 0n;
/** A fresh snowflake-like source id per call. */
export const nextSourceId = () => String(1312345678901234567n + ++seq);

export function messageEvent(overrides: Partial<LakeEvent> & { data?: Record<string, unknown> } = {}): LakeEvent {
  return {
    source_id: nextSourceId(),
    type: 'message_create',
    guild_id: GUILD,
    actor_id: ALICE,
    target_id: null,
    channel_id: CHANNEL,
    occurred_at: '2026-11-22T10:00:00.000Z',
    ...overrides,
    data: { length: 312, has_code_block: false, has_link: false, has_attachment: false, attachment_count: 0, emoji_count: 0, is_reply: false, ...overrides.data },
  };
}

export interface SeededCurrency {
  id: number;
  key: string;
}

/** Creates a guild with the given currencies (default: a spendable "gold"). */
export async function seedGuild(
  database: Database,
  options: { guildId?: string; currencies?: { key: string; allowNegative?: boolean; seasonal?: boolean; spendable?: boolean }[] } = {},
): Promise<Record<string, SeededCurrency>> {
  const guildId = options.guildId ?? GUILD;
  await database.db.insert(guilds).values({ id: guildId, name: `Guild ${guildId}` }).onConflictDoNothing();
  const wanted = options.currencies ?? [{ key: 'gold', spendable: true }];
  const rows = await database.db
    .insert(currencies)
    .values(
      wanted.map((c, i) => ({
        guildId,
        key: c.key,
        name: c.key,
        spendable: c.spendable ?? false,
        seasonal: c.seasonal ?? false,
        allowNegative: c.allowNegative ?? false,
        displayOrder: i,
      })),
    )
    .returning({ id: currencies.id, key: currencies.key });
  return Object.fromEntries(rows.map((r) => [r.key, r]));
}
