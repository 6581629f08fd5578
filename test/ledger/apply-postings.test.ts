import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
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
