// Transactions Postgres aborts to break a deadlock or a serialization conflict are tried again;
// any other failure, or a conflict past the last try, reaches the caller.
import { describe, expect, it } from 'vitest';
import { isTransactionConflict, retryConflicts } from '../../src/db/client.ts';

/** A driver error as drizzle wraps it: "Failed query: …" with the driver's error as its cause. */
const wrapped = (code: string) => Object.assign(new Error('Failed query: SELECT 1'), { cause: Object.assign(new Error('deadlock detected'), { code }) });

describe('transaction conflicts', () => {
  it('are deadlocks (40P01) and serialization failures (40001), also inside drizzle’s wrapper', () => {
    expect(isTransactionConflict(wrapped('40P01'))).toBe(true);
    expect(isTransactionConflict(Object.assign(new Error('could not serialize'), { code: '40001' }))).toBe(true);
    expect(isTransactionConflict(wrapped('23505'))).toBe(false);
    expect(isTransactionConflict(new Error('no code'))).toBe(false);
    expect(isTransactionConflict(undefined)).toBe(false);
  });

  it('are tried again until one try goes through', async () => {
    let tries = 0;
    await expect(retryConflicts(async () => (++tries < 3 ? Promise.reject(wrapped('40P01')) : 'bought'))).resolves.toBe('bought');
    expect(tries).toBe(3);
  });

  it('reach the caller after the last try, and any other failure at once', async () => {
    let tries = 0;
    await expect(retryConflicts(async () => Promise.reject(wrapped(++tries % 2 ? '40001' : '40P01')), 4)).rejects.toThrow('Failed query');
    expect(tries).toBe(4);
    tries = 0;
    await expect(retryConflicts(async () => Promise.reject(wrapped(String(++tries).padStart(5, '2'))))).rejects.toThrow('Failed query');
    expect(tries).toBe(1);
  });
});
