// Migration from other bots: a leaderboard export (CSV or JSON of user id, xp, level — MEE6- and
// Arcane-style files included) or any CSV of balances, set into one currency. Setting is
// idempotent: a second run of the same file changes nothing. A dry run reports first; the import
// writes one transaction per changed member (source "import") and an audit entry.
import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { and, eq, sql } from 'drizzle-orm';
import { audit } from '../audit/audit.ts';
import { queryRows, type Db, type Tx } from '../db/client.ts';
import { bigintArray } from '../db/sql.ts';
import { currencies } from '../db/schema.ts';
import { isSnowflake } from '../db/snowflake.ts';
import { MAX_BALANCE, MAX_LEVEL } from '../config/ranges.ts';
import { LevelCurveSchema, levelForTotal, type LevelCurve } from './currency.ts';
import type { LevelChange, Posting } from './posting.ts';
import { postEntries } from './postings.ts';
import { walletKey } from './wallet.ts';
import { lockMemberWallets } from './wallet-locks.ts';

export interface ImportRow {
  line: number;
  userId: string;
  amount: number;
  level?: number;
}

export interface ParsedBalances {
  rows: ImportRow[];
  invalid: { line: number; reason: string }[];
}

const ID_FIELDS = ['user_id', 'userid', 'id', 'discord_id', 'member_id', 'user'];
const AMOUNT_FIELDS = ['xp', 'balance', 'amount', 'points', 'exp', 'experience', 'total_xp'];

function pick(record: Record<string, unknown>, names: string[]): unknown {
  for (const [k, v] of Object.entries(record)) if (names.includes(k.trim().toLowerCase())) return v;
  return undefined;
}

/** Reads CSV (with a header row) or JSON (an array, or {players|users|data: [...]}) of balances. */
export function parseBalances(content: string, format: 'csv' | 'json'): ParsedBalances {
  let records: Record<string, unknown>[];
  const offset = format === 'csv' ? 2 : 1; // CSV: line 1 is the header
  try {
    if (format === 'csv') records = parse(content, { columns: true, skip_empty_lines: true, trim: true, bom: true }) as Record<string, unknown>[];
    else {
      const json = JSON.parse(content) as unknown;
      const list = Array.isArray(json) ? json : ((json as Record<string, unknown>)?.players ?? (json as Record<string, unknown>)?.users ?? (json as Record<string, unknown>)?.data);
      if (!Array.isArray(list)) return { rows: [], invalid: [{ line: 0, reason: 'expected a JSON array of members, or an object with a "players", "users" or "data" array' }] };
      records = list as Record<string, unknown>[];
    }
  } catch (error) {
    return { rows: [], invalid: [{ line: 0, reason: `cannot read the ${format.toUpperCase()}: ${(error as Error).message}` }] };
  }
  const rows: ImportRow[] = [];
  const invalid: ParsedBalances['invalid'] = [];
  const seen = new Set<string>();
  records.forEach((record, i) => {
    const line = i + offset;
    if (!record || typeof record !== 'object') return invalid.push({ line, reason: 'not an object' });
    const rawId = pick(record, ID_FIELDS);
    const userId = typeof rawId === 'number' ? undefined : String(rawId ?? '').trim();
    if (typeof rawId === 'number') return invalid.push({ line, reason: 'the user id is a number (it must be written as a string: snowflakes exceed 2^53)' });
    if (!userId || !isSnowflake(userId)) return invalid.push({ line, reason: `"${String(rawId ?? '')}" is not a Discord user id` });
    const amount = Number(pick(record, AMOUNT_FIELDS));
    if (!Number.isSafeInteger(amount) || amount < 0 || amount > MAX_BALANCE) {
      return invalid.push({ line, reason: `the amount must be a whole number from 0 to ${MAX_BALANCE.toLocaleString('en-US')}, got "${String(pick(record, AMOUNT_FIELDS) ?? '')}"` });
    }
    if (seen.has(userId)) return invalid.push({ line, reason: `member ${userId} appears twice` });
    seen.add(userId);
    const levelRaw = pick(record, ['level', 'lvl']);
    const level = levelRaw === undefined || levelRaw === '' ? undefined : Number(levelRaw);
    rows.push({ line, userId, amount, ...(level !== undefined && Number.isSafeInteger(level) && level >= 0 && level <= MAX_LEVEL ? { level } : {}) });
  });
  return { rows, invalid };
}

export interface ImportReport {
  currency: string;
  dryRun: boolean;
  members: number;
  changed: number;
  unchanged: number;
  /** Sum of the changes (credits minus debits). */
  net: number;
  invalid: { line: number; reason: string }[];
  changes: { userId: string; before: number; after: number; level: number | null }[];
}

export type BalanceImportResult = { ok: true; report: ImportReport } | { ok: false; code: 'unknown_currency' | 'nothing_valid' | 'refused'; message: string };

/** Some balances could not be set: the whole import is rolled back. */
class ImportRefused extends Error {}

export async function importBalances(
  db: Db,
  guildId: string,
  currencyKey: string,
  parsed: ParsedBalances,
  options: { dryRun: boolean; actor: string; source?: string; at?: Date },
): Promise<BalanceImportResult> {
  const [currency] = await db.select().from(currencies).where(and(eq(currencies.guildId, guildId), eq(currencies.key, currencyKey)));
  if (!currency) return { ok: false, code: 'unknown_currency', message: `unknown currency "${currencyKey}"` };
  if (parsed.rows.length === 0) return { ok: false, code: 'nothing_valid', message: `no valid rows${parsed.invalid[0] ? ` (line ${parsed.invalid[0].line}: ${parsed.invalid[0].reason})` : ''}` };
  const curve = currency.levelCurve ? LevelCurveSchema.safeParse(currency.levelCurve) : undefined;
  const at = options.at ?? new Date();
  const fileHash = createHash('sha256').update(JSON.stringify(parsed.rows)).digest('hex').slice(0, 16);
  try {
    return await db.transaction((tx) => importInTransaction(tx, guildId, currency, currencyKey, parsed, { ...options, at, fileHash, curve: curve?.success ? curve.data : undefined }));
  } catch (error) {
    if (error instanceof ImportRefused) return { ok: false, code: 'refused', message: error.message };
    throw error;
  }
}

async function importInTransaction(
  tx: Tx,
  guildId: string,
  currency: typeof currencies.$inferSelect,
  currencyKey: string,
  parsed: ParsedBalances,
  options: { dryRun: boolean; actor: string; source?: string; at: Date; fileHash: string; curve: LevelCurve | undefined },
): Promise<BalanceImportResult> {
  const { at, fileHash, curve } = options;
  const ids = parsed.rows.map((r) => r.userId);
  let current: Map<string, { balance: number; level: number | null }>;
  let locked: Awaited<ReturnType<typeof lockMemberWallets>> | undefined;
  if (options.dryRun) {
    const rows = await queryRows<{ user_id: string; balance: string; level: number | null }>(
      tx,
      sql`SELECT user_id::text, balance::text, level FROM wallets WHERE guild_id = ${guildId} AND currency_id = ${currency.id} AND user_id = ANY(${bigintArray(ids)})`,
    );
    current = new Map(rows.map((r) => [r.user_id, { balance: Number(r.balance), level: r.level }]));
  } else {
    locked = await lockMemberWallets(tx, guildId, ids, [{ id: currency.id, startLevel: curve ? curve.start_level : null, allowNegative: currency.allowNegative }]);
    current = new Map(ids.map((id) => [id, locked!.get(walletKey(guildId, id, currency.id))!]));
  }
  const changes: ImportReport['changes'] = [];
  const postings: Posting[] = [];
  const levels: LevelChange[] = [];
  for (const row of parsed.rows) {
    const before = current.get(row.userId)?.balance ?? 0;
    const level = curve ? (row.level ?? levelForTotal(curve, row.amount)) : null;
    const levelBefore = current.get(row.userId)?.level ?? null;
    if (before === row.amount && level === levelBefore) continue;
    changes.push({ userId: row.userId, before, after: row.amount, level });
    const wallet = { guildId, userId: row.userId, currencyId: currency.id };
    // Setting a balance is a posting of the difference; the level is set with it.
    if (row.amount !== before) {
      postings.push({
        ...wallet, delta: row.amount - before, source: 'import', at, reason: `imported from ${options.source ?? 'a file'}`,
        detail: { file: fileHash, line: row.line }, idemKey: `import:${fileHash}:${row.userId}`,
      });
    }
    levels.push({ ...wallet, level });
  }
  if (locked && changes.length > 0) {
    const results = await postEntries(tx, postings, { wallets: locked, levels });
    const refused = results.flatMap((r, i) => (r.status === 'applied' ? [] : [`member ${postings[i]!.userId}: ${r.reason ?? (r.status === 'duplicate' ? 'this file was already imported for this member' : r.status)}`]));
    if (refused.length > 0) throw new ImportRefused(`nothing was imported: ${refused.slice(0, 5).join('; ')}${refused.length > 5 ? ` (and ${refused.length - 5} more)` : ''}`);
    await audit(tx, { guildId, actor: options.actor, action: 'balances.import', entityType: 'currency', entityKey: currencyKey, before: null, after: { source: options.source ?? null, file: fileHash, changed: changes.length, invalid: parsed.invalid.length } });
  }
  return {
    ok: true,
    report: {
      currency: currencyKey, dryRun: options.dryRun, members: parsed.rows.length, changed: changes.length, unchanged: parsed.rows.length - changes.length,
      net: changes.reduce((s, c) => s + (c.after - c.before), 0), invalid: parsed.invalid, changes,
    },
  } as const;
}
