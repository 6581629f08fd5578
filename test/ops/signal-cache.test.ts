// /healthz reads the operations signals through SignalCache.recent: a refresh stuck behind a busy
// database must not hold the answer; the last signals known (or none yet) are given instead.
import { describe, expect, it } from 'vitest';
import { SignalCache, type OpsSignals } from '../../src/ops/signals.ts';

const signals = (outboxBacklog: number) => ({ outboxBacklog }) as unknown as OpsSignals;
const deferred = () => {
  let resolve!: (v: OpsSignals) => void;
  const promise = new Promise<OpsSignals>((r) => (resolve = r));
  return { promise, resolve };
};

describe('SignalCache.recent', () => {
  it('waits for a quick refresh, and answers with nothing rather than wait for a stuck first one', async () => {
    const quick = new SignalCache(async () => signals(1), 0);
    expect(await quick.recent(1_000)).toEqual(signals(1));

    const stuck = deferred();
    const cache = new SignalCache(() => stuck.promise, 0);
    const started = performance.now();
    expect(await cache.recent(50)).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(1_000);
    stuck.resolve(signals(2));
    expect(await cache.get()).toEqual(signals(2));
  });

  it('answers with the last signals known while a later refresh is stuck, and the fresh ones once it ends', async () => {
    const reads = [deferred(), deferred()];
    let n = 0;
    const cache = new SignalCache(() => reads[n++]!.promise, 0);
    const first = cache.get();
    reads[0]!.resolve(signals(3));
    await first;
    expect(await cache.recent(50)).toEqual(signals(3));
    reads[1]!.resolve(signals(4));
    expect(await cache.get()).toEqual(signals(4));
  });
});
