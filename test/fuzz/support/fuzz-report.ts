// What the fuzz saw, per operation, written to test-results/fuzz-<db>.json for CI and the notes.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT } from '../../support/process.ts';

export interface StatusClasses {
  /** The connection closed before an answer (an oversized body cut off). */
  closed: number;
  '2xx': number;
  '3xx': number;
  '4xx': number;
  '503': number;
  '5xx': number;
}

export class FuzzReport {
  readonly operations: Record<string, { payloads: number; statuses: StatusClasses; codes: Record<string, number> }> = {};
  readonly findings: { operation: string; status: number; request: string; answer: string }[] = [];
  /** Generated requests left out (support/exclusions.ts), per operation. */
  readonly excluded: Record<string, number> = {};
  healthz: unknown = null;
  doctor: unknown = null;
  processAlive: boolean | null = null;

  /** The slowest answers, to set beside the slowest /healthz probes. */
  readonly slowest: { ms: number; at: string; status: number; request: string }[] = [];

  record(operation: string, status: number, timing?: { at: number; ms: number; request: unknown }): void {
    if (timing && timing.ms > 100) {
      this.slowest.push({ ms: timing.ms, at: new Date(timing.at).toISOString(), status, request: String(timing.request).slice(0, 300) });
      this.slowest.sort((a, b) => b.ms - a.ms).splice(25);
    }
    const entry = (this.operations[operation] ??= { payloads: 0, statuses: { closed: 0, '2xx': 0, '3xx': 0, '4xx': 0, '503': 0, '5xx': 0 }, codes: {} });
    entry.payloads++;
    entry.codes[status] = (entry.codes[status] ?? 0) + 1;
    const kind = status === 0 ? 'closed' : status === 503 ? '503' : status >= 500 ? '5xx' : status >= 400 ? '4xx' : status >= 300 ? '3xx' : '2xx';
    entry.statuses[kind]++;
  }

  totals(): StatusClasses & { payloads: number } {
    const sum = { payloads: 0, closed: 0, '2xx': 0, '3xx': 0, '4xx': 0, '503': 0, '5xx': 0 };
    for (const entry of Object.values(this.operations)) {
      sum.payloads += entry.payloads;
      for (const [k, v] of Object.entries(entry.statuses)) sum[k as keyof StatusClasses] += v;
    }
    return sum;
  }

  async write(db: string, extra: Record<string, unknown>): Promise<string> {
    const dir = join(ROOT, 'test-results');
    await mkdir(dir, { recursive: true });
    const file = join(dir, `fuzz-${db}.json`);
    const body = { db, ...extra, totals: this.totals(), processAlive: this.processAlive, healthz: this.healthz, doctor: this.doctor, excluded: this.excluded, findings: this.findings.slice(0, 50), slowest: this.slowest, operations: this.operations };
    await writeFile(file, `${JSON.stringify(body, null, 2)}\n`);
    return file;
  }
}
