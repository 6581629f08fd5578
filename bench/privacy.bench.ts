// Privacy (issue 18): export and erasure of a member with 100,000 events (BENCH_PRIVACY_EVENTS) in
// a guild on the classic preset (so with transactions, firings, counters and milestones), among
// other members' traffic that names them (reactions to them).
import type { LakeEvent } from '../src/events/lake-event.ts';
import { EngineProcessor } from '../src/pipeline/engine-processor.ts';
import { IngestPipeline } from '../src/pipeline/ingest.ts';
import { MilestoneChecker } from '../src/milestones/checker.ts';
import { deleteMember, exportMember } from '../src/privacy/privacy.ts';
import { ConfigStore } from '../src/rules/config-store.ts';
import { freshDatabase, importClassic, record } from './support.ts';

const GUILD = '1160511689263947796';
const MEMBER = '900000000000000001';
const EVENTS = Number(process.env.BENCH_PRIVACY_EVENTS ?? 100_000);

export async function benchPrivacy(kind: 'pglite' | 'postgres'): Promise<void> {
  const { database, dispose } = await freshDatabase(kind);
  try {
    await importClassic(database.db, GUILD);
    const store = new ConfigStore(database);
    await store.start();
    const pipeline = new IngestPipeline(database, [new EngineProcessor(store, { milestones: new MilestoneChecker() })]);
    // The member's messages over 60 days, and every tenth event another member's reaction to them.
    const start = Date.now() - 60 * 86_400_000;
    const loadStarted = performance.now();
    for (let from = 0; from < EVENTS; from += 500) {
      const batch = Array.from({ length: Math.min(500, EVENTS - from) }, (_, j): LakeEvent => {
        const i = from + j;
        const occurred_at = new Date(start + Math.floor((i / EVENTS) * 59 * 86_400_000)).toISOString();
        return i % 10 === 9
          ? { source_id: `r${i}`, type: 'reaction_add' as const, guild_id: GUILD, actor_id: String(900000000000000100n + BigInt(i % 50)), target_id: MEMBER, channel_id: '705', occurred_at, data: { emoji: '👍', message_id: String(1300000000000000000n + BigInt(i)) } }
          : { source_id: `m${i}`, type: 'message_create' as const, guild_id: GUILD, actor_id: MEMBER, target_id: null, channel_id: '705', occurred_at, data: { length: 200 + (i % 300), has_code_block: i % 7 === 0, has_link: false, has_attachment: false, attachment_count: 0, emoji_count: 1, is_reply: false } };
      });
      await pipeline.ingestEvents(batch, 'backfill');
    }
    console.log(`[${kind}] ${EVENTS} events loaded in ${((performance.now() - loadStarted) / 1000).toFixed(1)} s`);
    await store.stop();

    const exportStarted = performance.now();
    const document = await exportMember(database.db, GUILD, MEMBER, new Date());
    const exportMs = performance.now() - exportStarted;
    const bytes = Buffer.byteLength(JSON.stringify(document));
    record({ bench: 'privacy', database: kind, case: `export of a member with ${EVENTS.toLocaleString('en-US')} events`, value: exportMs / 1000, unit: 's',
      note: `${(bytes / 1e6).toFixed(1)} MB of JSON; ${document.events.length} events, ${document.transactions.length} transactions, ${Object.keys(document.tables).length} tables` });

    const deleteStarted = performance.now();
    const summary = await deleteMember(database.db, GUILD, MEMBER, 'bench');
    const deleteMs = performance.now() - deleteStarted;
    record({ bench: 'privacy', database: kind, case: `erasure of a member with ${EVENTS.toLocaleString('en-US')} events`, value: deleteMs / 1000, unit: 's',
      note: `deleted ${summary.deleted.lake_events ?? 0} lake events; ${summary.pseudonymized.transactions ?? 0} transactions kept under a pseudonym` });
  } finally {
    await dispose();
  }
}
