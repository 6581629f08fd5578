import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_AMOUNT, MAX_BALANCE } from '../../src/config/ranges.ts';
import { applyPostings } from '../../src/ledger/apply-postings.ts';
import { idemOf, type Posting } from '../../src/ledger/posting.ts';
import { keyOf, type WalletState } from '../../src/ledger/wallet.ts';
import { ALICE, BOB, GUILD } from '../support/factories.ts';

const AT = new Date('2026-11-22T10:00:00Z');

function wallet(userId: string, overrides: Partial<WalletState> = {}): WalletState {
  return { guildId: GUILD, userId, currencyId: 1, balance: 0, lifetimeEarned: 0, level: null, allowNegative: false, ...overrides };
}

function walletsOf(...list: WalletState[]): Map<string, WalletState> {
  return new Map(list.map((w) => [keyOf(w), w]));
}

function posting(userId: string, delta: number, overrides: Partial<Posting> = {}): Posting {
  return { guildId: GUILD, userId, currencyId: 1, delta, source: 'rule', at: AT, ...overrides };
}

describe('applyPostings', () => {
  it('applies postings in order, each transaction carrying the balance it leaves', () => {
    const { results, write } = applyPostings(walletsOf(wallet(ALICE, { balance: 10, lifetimeEarned: 10 })), [posting(ALICE, 5), posting(ALICE, -3)]);
    expect(results.map((r) => [r.status, r.balance, r.lifetimeEarned])).toEqual([
      ['applied', 15, 15],
      ['applied', 12, 15],
    ]);
    expect(write.transactions.map((t) => [t.delta, t.balanceAfter])).toEqual([
      [5, 15],
      [-3, 12],
    ]);
    expect(write.wallets).toEqual([wallet(ALICE, { balance: 12, lifetimeEarned: 15 })]);
  });

  it('leaves the wallets it was given as they were', () => {
    const locked = walletsOf(wallet(ALICE, { balance: 10 }));
    applyPostings(locked, [posting(ALICE, 5)]);
    expect(locked.get(keyOf(wallet(ALICE)))!.balance).toBe(10);
  });

  it('refuses a debit that would overdraw, unless the currency or the posting allows it', () => {
    const strict = applyPostings(walletsOf(wallet(ALICE, { balance: 2 })), [posting(ALICE, -3), posting(ALICE, -2)]);
    expect(strict.results.map((r) => [r.status, r.balance])).toEqual([
      ['insufficient', 2],
      ['applied', 0],
    ]);
    expect(strict.write.transactions).toHaveLength(1);
    expect(applyPostings(walletsOf(wallet(ALICE, { allowNegative: true })), [posting(ALICE, -3)]).results[0]!.balance).toBe(-3);
    expect(applyPostings(walletsOf(wallet(ALICE)), [posting(ALICE, -3, { allowOverdraft: true, source: 'season_roll' })]).results[0]!.status).toBe('applied');
  });

  it('reports a recorded or repeated idempotency key as a duplicate and does not apply it', () => {
    const duplicates = new Set([idemOf(GUILD, 'old')]);
    const { results, write } = applyPostings(walletsOf(wallet(ALICE)), [posting(ALICE, 1, { idemKey: 'old' }), posting(ALICE, 2, { idemKey: 'new' }), posting(ALICE, 4, { idemKey: 'new' })], { duplicates });
    expect(results.map((r) => r.status)).toEqual(['duplicate', 'applied', 'duplicate']);
    expect(write.wallets[0]!.balance).toBe(2);
  });

  it('counts credits in lifetime earnings, but not debits or season resets', () => {
    const { write } = applyPostings(walletsOf(wallet(ALICE, { balance: -4, allowNegative: true })), [posting(ALICE, 4, { source: 'season_roll' }), posting(ALICE, 6), posting(ALICE, -1)]);
    expect(write.wallets[0]).toMatchObject({ balance: 5, lifetimeEarned: 6 });
  });

  it('sets levels after the postings and writes only the wallets that changed', () => {
    const locked = walletsOf(wallet(ALICE, { level: 1 }), wallet(BOB, { level: 2 }));
    const { write } = applyPostings(locked, [], { levels: [{ guildId: GUILD, userId: ALICE, currencyId: 1, level: 3 }, { guildId: GUILD, userId: BOB, currencyId: 1, level: 2 }] });
    expect(write.wallets).toEqual([wallet(ALICE, { level: 3 })]);
    expect(write.transactions).toEqual([]);
  });

  it('refuses a posting to a wallet that was not locked', () => {
    expect(() => applyPostings(walletsOf(wallet(ALICE)), [posting(BOB, 1)])).toThrow(/not locked/);
  });
});

describe('applyPostings keeps money exact and within its limits', () => {
  it('refuses an amount beyond MAX_AMOUNT, or one that is not a safe whole number, with the reason', () => {
    const { results, write } = applyPostings(walletsOf(wallet(ALICE)), [posting(ALICE, MAX_AMOUNT + 1), posting(ALICE, 2 ** 53 + 2), posting(ALICE, 1.5), posting(ALICE, MAX_AMOUNT)]);
    expect(results.map((r) => r.status)).toEqual(['out_of_range', 'out_of_range', 'out_of_range', 'applied']);
    expect(results[0]!.reason).toBe('the amount 1,000,000,000,001 is beyond the limit of ±1,000,000,000,000 for one posting');
    expect(results[2]!.reason).toMatch(/not a whole number/);
    expect(write.transactions.map((t) => t.delta)).toEqual([MAX_AMOUNT]);
  });

  it('refuses a posting that would leave a balance beyond ±MAX_BALANCE, either way', () => {
    const { results } = applyPostings(walletsOf(wallet(ALICE, { balance: MAX_BALANCE - 2 }), wallet(BOB, { balance: -MAX_BALANCE + 2, allowNegative: true })), [posting(ALICE, 3), posting(ALICE, 2), posting(BOB, -3)]);
    expect(results.map((r) => [r.status, r.balance])).toEqual([
      ['out_of_range', MAX_BALANCE - 2],
      ['applied', MAX_BALANCE],
      ['out_of_range', -MAX_BALANCE + 2],
    ]);
    expect(results[0]!.reason).toBe('the balance would be 1,000,000,000,000,001, beyond the limit of ±1,000,000,000,000,000');
  });

  it('refuses a credit that would take lifetime earnings beyond MAX_BALANCE', () => {
    const { results } = applyPostings(walletsOf(wallet(ALICE, { lifetimeEarned: MAX_BALANCE })), [posting(ALICE, 1)]);
    expect(results[0]).toMatchObject({ status: 'out_of_range', reason: expect.stringMatching(/^lifetime earnings would be/) });
  });

  it('an import or a season reset may move any exact difference that leaves the balance in range', () => {
    const { results } = applyPostings(walletsOf(wallet(ALICE, { balance: 5 * MAX_AMOUNT })), [posting(ALICE, -5 * MAX_AMOUNT, { source: 'season_roll' }), posting(ALICE, MAX_BALANCE, { source: 'import' }), posting(ALICE, 1, { source: 'import' })]);
    expect(results.map((r) => r.status)).toEqual(['applied', 'applied', 'out_of_range']);
  });

  it('refuses every posting to a wallet whose stored state could not be read exactly', () => {
    const flagged = wallet(ALICE, { balance: 27021597764222980, problem: 'the stored balance 27021597764222980 cannot be counted exactly' });
    const { results, write } = applyPostings(walletsOf(flagged), [posting(ALICE, 3), posting(ALICE, -3)]);
    expect(results.map((r) => [r.status, r.reason])).toEqual([
      ['out_of_range', flagged.problem],
      ['out_of_range', flagged.problem],
    ]);
    expect(write).toEqual({ transactions: [], wallets: [] });
  });

  it('a too-low balance is reported as insufficient before the limits are looked at', () => {
    expect(applyPostings(walletsOf(wallet(ALICE, { balance: 1 })), [posting(ALICE, -2)]).results[0]!.status).toBe('insufficient');
  });
});

describe('one path for money', () => {
  it('only src/ledger/ledger-sql.ts writes transactions or wallet balances', async () => {
    const root = join(import.meta.dirname, '../../src');
    const writers: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) await walk(path);
        else if (entry.name.endsWith('.ts')) {
          const text = await readFile(path, 'utf8');
          if (/INSERT INTO transactions|SET balance\b|insert\(transactions\)|update\(wallets\)\.set\(\{[^}]*balance/i.test(text)) writers.push(relative(root, path));
        }
      }
    };
    await walk(root);
    expect(writers).toEqual(['ledger/ledger-sql.ts']);
  });
});
