// The ai_quality signal's cost to everything else: ingest latency of events whose rules do NOT
// read ai_quality, with and without a rule that does (scored by the fake Gemini with 50 ms of
// latency), one event per call and in gateway-style mixed batches; and the latency of the scored
// messages themselves for contrast.
import { AiService } from '../src/ai/ai-service.ts';
import { AiQualitySignal, QualityScorer } from '../src/ai/quality.ts';
import { guilds, currencies } from '../src/db/schema.ts';
import type { LakeEvent } from '../src/events/lake-event.ts';
import { EngineProcessor } from '../src/pipeline/engine-processor.ts';
import { IngestPipeline } from '../src/pipeline/ingest.ts';
import { holdContent } from '../src/pipeline/signals.ts';
import { ConfigStore } from '../src/rules/config-store.ts';
import { saveRule } from '../src/rules/repository.ts';
import { FakeGemini } from '../test/ai/fake-gemini.ts';
import { freshDatabase, percentile, record, sid, userId } from './support.ts';

const GUILD = '1160511689263947796';
const GENERAL = '1111111111111111111';
const HELP = '1111111111111111112';
const GEMINI_LATENCY_MS = 50;

function event(type: 'message_create' | 'reaction_add', i: number, channel = GENERAL): LakeEvent {
  const actor = userId(i % 200);
  const data = type === 'message_create'
    ? { length: 40, has_code_block: false, has_link: false, has_attachment: false, attachment_count: 0, emoji_count: 0, is_reply: false }
    : { emoji: '👍', message_id: '555', unique_reactor_count: 1, message_age_seconds: 60 };
  return { source_id: sid(), type, guild_id: GUILD, actor_id: actor, target_id: type === 'reaction_add' ? userId((i + 1) % 200) : null, channel_id: channel, occurred_at: new Date(Date.UTC(2026, 10, 22, 10) + i * 1000).toISOString(), data };
}

/** A message whose text is held in memory (as the Discord listener does). */
function message(i: number, channel: string): LakeEvent {
  const e = event('message_create', i, channel);
  holdContent(e, `message ${i}: a text of some length about the topic at hand`);
  return e;
}

const summary = (ms: number[]) => {
  ms.sort((a, b) => a - b);
  return { p50: percentile(ms, 50), p99: percentile(ms, 99) };
};

export async function benchAi(kind: 'pglite' | 'postgres'): Promise<void> {
  const { database, dispose } = await freshDatabase(kind);
  const gemini = await FakeGemini.start();
  gemini.always({ json: { score: 0.5 }, promptTokens: 60, responseTokens: 5, delayMs: GEMINI_LATENCY_MS });
  const store = new ConfigStore(database);
  try {
    await database.db.insert(guilds).values({ id: GUILD, name: 'bench' });
    await database.db.insert(currencies).values([{ guildId: GUILD, key: 'xp', name: 'XP' }, { guildId: GUILD, key: 'gold', name: 'Gold' }]);
    await saveRule(database.db, GUILD, { key: 'msg-xp', name: 'Message XP', trigger: { events: ['message_create'] }, effects: [{ type: 'credit', to: 'actor', currency: 'xp', amount: 10 }] }, 'bench');
    await saveRule(database.db, GUILD, { key: 'react-gold', name: 'Reaction gold', trigger: { events: ['reaction_add'] }, effects: [{ type: 'credit', to: 'target', currency: 'gold', amount: 1 }] }, 'bench');
    await store.start();
    const pipeline = new IngestPipeline(database, [new EngineProcessor(store)]);
    const ai = new AiService({ apiKey: 'bench', baseUrl: gemini.url, timeoutMs: 5_000 }, { db: database.db });
    await database.db.update(guilds).set({ settings: { ai: { daily_budget_usd: null } } });
    pipeline.useSignals(new AiQualitySignal(new QualityScorer(ai, { timeoutMs: 5_000, concurrency: 8 }), store));
    let n = 0;
    const perEvent = kind === 'postgres' ? 400 : 300;

    /** Latency of one event per ingest call, sequentially. */
    const singles = async (make: (i: number) => LakeEvent) => {
      const ms: number[] = [];
      for (let i = 0; i < perEvent; i++) {
        const e = make(n++);
        const t = performance.now();
        await pipeline.ingestEvents([e], 'api');
        ms.push(performance.now() - t);
      }
      return summary(ms);
    };
    /** Gateway-style batches of 20 (2 scored messages in #help): when the unscored events are committed. */
    const batches = async (count: number) => {
      const ms: number[] = [];
      for (let b = 0; b < count; b++) {
        const batch = Array.from({ length: 20 }, (_, j) => (j % 10 === 0 ? message(n++, HELP) : j % 2 ? event('reaction_add', n++) : message(n++, GENERAL)));
        const t = performance.now();
        await pipeline.ingest(batch, { origin: 'gateway' });
        ms.push(performance.now() - t);
      }
      await pipeline.settled();
      return summary(ms);
    };
    const report = (label: string, s: { p50: number; p99: number }, with_: boolean) =>
      record({ bench: 'ai', database: kind, case: `${label}, ${with_ ? 'WITH' : 'without'} an ai_quality rule`, value: s.p50, unit: 'ms p50', note: `p99 ${s.p99.toFixed(2)} ms` });

    await singles((i) => event('reaction_add', i)); // warm-up
    for (const withRule of [false, true]) {
      if (withRule) {
        await saveRule(database.db, GUILD, { key: 'help-quality', name: 'Helpful answers', trigger: { events: ['message_create'], channels: [HELP] }, effects: [{ type: 'credit', to: 'actor', currency: 'gold', amount: { '*': [20, { var: ['ai_quality', 0] }] } }] }, 'bench');
        await store.reload(GUILD);
      }
      report('reaction_add, one per call', await singles((i) => event('reaction_add', i)), withRule);
      report('message_create in #general, one per call', await singles((i) => message(i, GENERAL)), withRule);
      report('gateway batch of 20 (2 scored in #help)', await batches(50), withRule);
    }
    const scored = await singles((i) => message(i, HELP));
    record({ bench: 'ai', database: kind, case: `message_create in #help, scored (Gemini ${GEMINI_LATENCY_MS} ms)`, value: scored.p50, unit: 'ms p50', note: `p99 ${scored.p99.toFixed(2)} ms; ${gemini.requests.length} Gemini calls` });
    await ai.settled();
  } finally {
    await store.stop();
    await gemini.stop();
    await dispose();
  }
}
