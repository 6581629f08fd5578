// manual_award events move the target member's wallet directly (source "manual"); rules may
// react to them as well. An unknown currency or an overdraft is logged and skipped, never thrown.
import { inArray } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { currencies } from '../db/schema.ts';
import type { StoredEvent } from '../events/lake-writer.ts';
import { postEntries, type Posting } from '../ledger/postings.ts';
import type { Logger } from '../log/logger.ts';
import { silentLogger } from '../log/logger.ts';
import type { EventProcessor } from './ingest.ts';

export class ManualAwardProcessor implements EventProcessor {
  constructor(private readonly logger: Logger = silentLogger) {}

  async process(tx: Tx, events: StoredEvent[]): Promise<void> {
    const awards = events.filter((s) => s.event.type === 'manual_award');
    if (awards.length === 0) return;
    const guildIds = [...new Set(awards.map((s) => s.event.guild_id))];
    const rows = await tx
      .select({ id: currencies.id, guildId: currencies.guildId, key: currencies.key })
      .from(currencies)
      .where(inArray(currencies.guildId, guildIds));
    const byKey = new Map(rows.map((r) => [`${r.guildId}:${r.key}`, r.id]));
    const postings: Posting[] = [];
    for (const { id, event } of awards) {
      const currencyId = byKey.get(`${event.guild_id}:${String(event.data.currency)}`);
      const amount = Number(event.data.amount);
      if (currencyId === undefined || !event.target_id || amount === 0) {
        this.logger.warn({ sourceId: event.source_id, currency: event.data.currency }, 'manual award skipped: unknown currency or zero amount');
        continue;
      }
      postings.push({
        guildId: event.guild_id,
        userId: event.target_id,
        currencyId,
        delta: amount,
        source: 'manual',
        at: new Date(event.occurred_at),
        reason: `${String(event.data.reason || 'manual award')} (by ${event.actor_id})`,
        lakeEventId: id,
        idemKey: `manual:${id}`,
      });
    }
    const results = await postEntries(tx, postings);
    results.forEach((r, i) => {
      if (r.status === 'insufficient') {
        this.logger.warn({ lakeEventId: postings[i]!.lakeEventId }, 'manual award skipped: balance too low for the debit');
      }
    });
  }
}
