// Concurrent API clients that post batches of events and retry a refused or cut-off batch with the
// same source ids, the way a well-behaved integration does; they count what each answer said.
import { DEMO_GUILD_ID } from '../../../src/app/demo.ts';
import type { LakeEvent } from '../../../src/events/lake-event.ts';
import { messageEvent } from '../../support/factories.ts';
import { FAULT_ADMIN_TOKEN } from './cairn-process.ts';

/** Members of the demo guild plus a few dozen new ones, so wallets are created under load too. */
const MEMBERS = Array.from({ length: 40 }, (_, i) => String(1000000000000001000n + BigInt(i)));
const CHANNELS = ['1000000000000000101', '1000000000000000102', '1000000000000000103'];

/** `count` message events for the demo guild in batches of `size`, each with its own source id. */
export function eventBatches(count: number, size: number, guildId = DEMO_GUILD_ID): LakeEvent[][] {
  const batches: LakeEvent[][] = [];
  for (let i = 0; i < count; i += size) {
    batches.push(
      Array.from({ length: Math.min(size, count - i) }, (_, j) =>
        messageEvent({
          guild_id: guildId,
          actor_id: MEMBERS[(i + j) % MEMBERS.length]!,
          channel_id: CHANNELS[(i + j) % CHANNELS.length]!,
          occurred_at: new Date(Date.now() - 60_000 + i + j).toISOString(),
        }),
      ),
    );
  }
  return batches;
}

export interface LoadReport {
  requests: number;
  /** Events a 200 reported as accepted. */
  accepted: number;
  /** Events a 200 reported as duplicates: retries of a batch whose earlier attempt had committed. */
  duplicate: number;
  /** 503 `unavailable` answers (each retried). */
  refused: number;
  /** Requests cut off without an answer (each retried, unless the clients stop on them). */
  cutOff: number;
  /** Any other answer, or a 503 without the error shape or Retry-After: each one is a failure. */
  unexpected: { status: number; body: string }[];
  /** Indexes of the batches posted at least once. */
  started: number[];
  /** Indexes of started batches that never got a 200. */
  pending: number[];
}

export interface LoadOptions {
  url: string;
  batches: LakeEvent[][];
  clients: number;
  /** Take no new batch once this resolves; batches in flight are still retried until answered. */
  until?: Promise<unknown>;
  /** Stop retrying a batch after this long (it stays pending). */
  giveUpAfterMs?: number;
  /** Give up a cut-off batch (the process died) instead of retrying it. */
  stopOnCutOff?: boolean;
  /** Whether the server process still runs: once it is gone, retrying is pointless. */
  alive?: () => boolean;
  /** Called after every 200, with the counts so far. */
  onProgress?: (report: LoadReport) => void;
  /** Pause before a retry. */
  retryDelayMs?: number;
  guildId?: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Posts every batch once successfully (or until told to stop); `clients` requests in flight at a time. */
export async function runLoad(options: LoadOptions): Promise<LoadReport> {
  const report: LoadReport = { requests: 0, accepted: 0, duplicate: 0, refused: 0, cutOff: 0, unexpected: [], started: [], pending: [] };
  const guildId = options.guildId ?? DEMO_GUILD_ID;
  let enough = false;
  let stopped = false;
  void options.until?.then(() => (enough = true));
  let next = 0;
  const done = new Set<number>();
  const started: number[] = [];

  const client = async () => {
    while (!stopped && !enough) {
      const index = next++;
      const batch = options.batches[index];
      if (!batch) return;
      started.push(index);
      const giveUpAt = Date.now() + (options.giveUpAfterMs ?? 30_000);
      while (!stopped && Date.now() < giveUpAt) {
        report.requests++;
        let res: Response;
        try {
          res = await fetch(`${options.url}/api/guilds/${guildId}/events`, {
            method: 'POST',
            headers: { Authorization: `Bearer ${FAULT_ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
            body: JSON.stringify(batch),
            signal: AbortSignal.timeout(20_000),
          });
        } catch {
          report.cutOff++;
          if (options.stopOnCutOff || (options.alive && !options.alive())) {
            stopped = true;
            break;
          }
          await sleep(options.retryDelayMs ?? 50);
          continue;
        }
        const body = await res.text();
        if (res.status === 200) {
          const result = JSON.parse(body) as { accepted: number; duplicate: number };
          report.accepted += result.accepted;
          report.duplicate += result.duplicate;
          done.add(index);
          options.onProgress?.(report);
          break;
        }
        if (res.status === 503 && isUnavailable(body) && Number(res.headers.get('retry-after')) > 0) report.refused++;
        else report.unexpected.push({ status: res.status, body: body.slice(0, 300) });
        await sleep(options.retryDelayMs ?? 50);
      }
    }
  };
  await Promise.all(Array.from({ length: options.clients }, client));
  report.started = started.sort((a, b) => a - b);
  report.pending = report.started.filter((i) => !done.has(i));
  return report;
}

function isUnavailable(body: string): boolean {
  try {
    const parsed = JSON.parse(body) as { error?: { code?: unknown; message?: unknown; requestId?: unknown } };
    return parsed.error?.code === 'unavailable' && typeof parsed.error.message === 'string' && typeof parsed.error.requestId === 'string';
  } catch {
    return false;
  }
}
