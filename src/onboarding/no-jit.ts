// Postgres compiles a query to machine code (JIT) when its estimated cost is high. The onboarding
// reads estimate high (a lookup per member) yet touch little, and the compilation alone took
// 0.8–1.3 s of a 1 s answer in the benchmark: they run with it off, in their own transaction.
import { sql } from 'drizzle-orm';
import type { Executor } from '../db/client.ts';

export function withoutJit<T>(exec: Executor, read: (tx: Executor) => Promise<T>): Promise<T> {
  return exec.transaction(async (tx) => {
    await tx.execute(sql`SET LOCAL jit = off`);
    return read(tx);
  });
}
