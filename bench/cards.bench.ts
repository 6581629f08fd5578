// Rank cards: 10,000 renders of the 934×282 PNG (drawing and PNG encoding, no database or network),
// with render time p50/p99 and the process's memory before, halfway and after (a leak would show as
// growth between halfway and the end). The renders run in one synchronous loop, the worst case for
// native memory freed by N-API finalizers, which wait for the event loop to turn (see encodePng).
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createCanvas } from '@napi-rs/canvas';
import { renderRankCard, type RankCardData } from '../src/cards/rank-card.ts';
import { percentile, record, userId } from './support.ts';

const RENDERS = 10_000;
const MB = 1024 * 1024;

const NAMES = ['Ada Lovelace', 'Zoë Łukasz', 'Мария Иванова', '👩🏽‍💻 dev queen', '漢字かな', 'W'.repeat(10_000), 'plain', 'NUL\u0000name\u202e'];

function cardFor(i: number): RankCardData {
  return {
    userId: userId(i),
    displayName: NAMES[i % NAMES.length]!,
    username: `member${i}`,
    avatarUrl: null,
    accentColor: i % 3 === 0 ? '#e67e22' : null,
    level: { level: 1 + (i % 60), held: 100 + i, startsAt: 50, nextAt: 400 + i * 2, unit: 'XP' },
    rank: { position: 1 + i, currency: 'XP' },
    balances: [
      { name: 'XP', symbol: '✦', amount: 100 + i },
      { name: 'Stars', symbol: '⭐', amount: i % 97 },
      { name: 'Gold', symbol: '🪙', amount: i * 31 },
    ].slice(0, 1 + (i % 3)),
    milestone: i % 4 === 0 ? null : { icon: '💬', name: 'Chatterbox' },
    left: false,
  };
}

/** Collects garbage when the runtime allows it, so heap figures are live memory, not garbage. */
function collect(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

function memory(label: string): NodeJS.MemoryUsage {
  collect();
  const m = process.memoryUsage();
  record({ bench: 'cards', database: '-', case: `RSS ${label}`, value: m.rss / MB, unit: 'MB' });
  record({ bench: 'cards', database: '-', case: `heap used ${label}`, value: m.heapUsed / MB, unit: 'MB' });
  record({ bench: 'cards', database: '-', case: `external ${label}`, value: m.external / MB, unit: 'MB', note: `array buffers ${(m.arrayBuffers / MB).toFixed(1)} MB` });
  return m;
}

export async function benchCards(): Promise<void> {
  // Half the cards carry an avatar (already decoded, as from the avatar cache).
  const avatar = createCanvas(184, 184);
  const ctx = avatar.getContext('2d');
  ctx.fillStyle = '#3a7bd5';
  ctx.fillRect(0, 0, 184, 184);
  const cards = Array.from({ length: 64 }, (_, i) => cardFor(i));
  renderRankCard(cards[0]!); // fonts registered, code warm
  const before = memory('before');
  const times: number[] = [];
  let bytes = 0;
  const started = performance.now();
  for (let i = 0; i < RENDERS; i++) {
    const t = performance.now();
    const png = renderRankCard(cards[i % cards.length]!, i % 2 === 0 ? avatar : null);
    times.push(performance.now() - t);
    bytes += png.length;
    if (i === RENDERS / 2 - 1) memory(`after ${RENDERS / 2} renders`);
  }
  const seconds = (performance.now() - started) / 1000;
  times.sort((a, b) => a - b);
  record({ bench: 'cards', database: '-', case: `render p50 (${RENDERS.toLocaleString('en-US')} renders)`, value: percentile(times, 50), unit: 'ms' });
  record({ bench: 'cards', database: '-', case: 'render p99', value: percentile(times, 99), unit: 'ms' });
  record({ bench: 'cards', database: '-', case: 'render max', value: times[times.length - 1]!, unit: 'ms' });
  record({ bench: 'cards', database: '-', case: 'renders per second (one thread)', value: RENDERS / seconds, unit: '/s' });
  record({ bench: 'cards', database: '-', case: 'PNG size, mean', value: bytes / RENDERS / 1024, unit: 'KiB' });
  const after = memory(`after ${RENDERS.toLocaleString('en-US')} renders`);
  record({ bench: 'cards', database: '-', case: `RSS growth over ${RENDERS.toLocaleString('en-US')} renders`, value: (after.rss - before.rss) / MB, unit: 'MB' });
}
