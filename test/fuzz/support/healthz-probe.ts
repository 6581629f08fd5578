// Run as its own process (the fuzz client's work must not delay the clock it measures with): asks
// GET /healthz every 50 ms and prints one JSON line with the latencies it saw at the end of each
// phase (SIGUSR2) and when stopped (SIGTERM).
//   node --import tsx test/fuzz/support/healthz-probe.ts <base url>
const [base] = process.argv.slice(2) as [string];
const latencies: number[] = [];
const failures: string[] = [];
let slowest = { ms: 0, at: '' };
const slow: { ms: number; at: string }[] = [];

async function probe(): Promise<void> {
  const started = performance.now();
  try {
    const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(10_000) });
    await res.arrayBuffer();
    if (res.status !== 200 && res.status !== 503) failures.push(`status ${res.status}`);
  } catch (error) {
    failures.push(String((error as Error).message));
  }
  const ms = performance.now() - started;
  latencies.push(ms);
  const at = new Date(Date.now() - ms).toISOString();
  if (ms > slowest.ms) slowest = { ms, at };
  if (ms > 100 && slow.length < 20) slow.push({ ms: Math.round(ms), at });
}

let running = true;
const loop = (async () => {
  while (running) {
    const started = performance.now();
    await probe();
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 50 - (performance.now() - started))));
  }
})();

function summary() {
    const sorted = [...latencies].sort((a, b) => a - b);
    const pick = (q: number) => Math.round((sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0) * 10) / 10;
  return { probes: latencies.length, maxMs: Math.round(slowest.ms * 10) / 10, slowestAt: slowest.at, p50Ms: pick(0.5), p99Ms: pick(0.99), over100Ms: latencies.filter((ms) => ms > 100).length, failures: failures.slice(0, 10), failureCount: failures.length, slow };
}

// SIGUSR2 ends a phase: print what it saw and start counting afresh. SIGTERM ends the last one.
process.on('SIGUSR2', () => {
  process.stdout.write(`${JSON.stringify(summary())}\n`);
  latencies.length = 0;
  failures.length = 0;
  slow.length = 0;
  slowest = { ms: 0, at: '' };
});
process.on('SIGTERM', () => {
  running = false;
  void loop.then(() => process.stdout.write(`${JSON.stringify(summary())}\n`, () => process.exit(0)));
});
process.stdout.write('probing\n');
