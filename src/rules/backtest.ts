// `cairn backtest`: what a candidate rule set would have paid. The guild's recorded lake events of
// the last N days are replayed, in the order they happened, through the production pipeline (lake →
// engine → ledger) twice on one scratch embedded database: once under the guild's live configuration,
// once with the candidate rules overlaid (by key). Both replays start from zero balances, with the
// members' roles and the guild's time zone, so the difference is the rules' doing alone.
import { eq, sql } from 'drizzle-orm';
import { queryRows, type Database, type Executor } from '../db/client.ts';
import { guilds } from '../db/schema.ts';
import type { EventType, LakeEvent } from '../events/lake-event.ts';
import { compareIds } from '../ledger/postings.ts';
import { MilestoneChecker } from '../milestones/checker.ts';
import { EngineProcessor } from '../pipeline/engine-processor.ts';
import { IngestPipeline } from '../pipeline/ingest.ts';
import { exportGuild } from '../presets/export.ts';
import { importRecipe, parseRecipe } from '../presets/import.ts';
import type { Recipe } from '../presets/recipe.ts';
import { MAX_BACKTEST_DAYS, wholeNumber } from '../config/ranges.ts';
import { formatPath } from './compiler.ts';
import { ConfigStore } from './config-store.ts';
import type { Problem } from './repository.ts';
import { openScratchDatabase } from './scratch-database.ts';
import { RuleSchema } from './schema.ts';

const CHUNK = 1000;
/** The largest page of events a backtest reads at a time. */
const MAX_PAGE_SIZE = 10_000;

export class BacktestError extends Error {
  constructor(
    message: string,
    readonly problems: Problem[] = [],
  ) {
    super(problems.length ? `${message}: ${problems.slice(0, 5).map((p) => `${p.path}: ${p.message}`).join('; ')}` : message);
  }
}

export interface Payout {
  live: number;
  candidate: number;
  difference: number;
}

export interface BacktestResult {
  guild: string;
  days: number;
  from: string;
  to: string;
  events: number;
  /** Per currency key: the sum over members of what each replay left in their wallets. */
  currencies: Record<string, Payout>;
  /** Members whose payout differs, by id, then currency key. */
  members: Record<string, Record<string, Payout>>;
  /** Members whose payouts are the same in both replays. */
  unchangedMembers: number;
  rules: { added: string[]; replaced: string[] };
}

/** The live recipe with each candidate rule replacing the rule of its key (or added). */
export function overlayRules(live: Recipe, candidates: unknown[]): { recipe: Recipe; added: string[]; replaced: string[] } {
  const keyOf = (r: unknown, i: number) => {
    const key = (r as { key?: unknown } | null)?.key;
    if (typeof key !== 'string') throw new BacktestError('the candidate rules are invalid', [{ path: `rules[${i}].key`, message: 'every candidate rule needs its key' }]);
    return key;
  };
  const byKey = new Map(live.rules.map((r) => [String(r.key), r]));
  const added: string[] = [];
  const replaced: string[] = [];
  const problems: Problem[] = [];
  candidates.forEach((c, i) => {
    const checked = RuleSchema.safeParse(c);
    if (!checked.success) {
      problems.push(...checked.error.issues.map((issue) => ({ path: `rules[${i}].${formatPath(issue.path as (string | number)[])}`.replace(/\.$/, ''), message: issue.message })));
      return;
    }
    const key = keyOf(c, i);
    (byKey.has(key) ? replaced : added).push(key);
    byKey.set(key, c as Record<string, unknown>);
  });
  if (problems.length > 0) throw new BacktestError('the candidate rules are invalid', problems);
  const parsed = parseRecipe({ ...live, rules: [...byKey.values()] });
  if (!parsed.ok) throw new BacktestError('the candidate rules are invalid', parsed.problems);
  return { recipe: parsed.recipe, added: added.sort(), replaced: replaced.sort() };
}

/** The guild's recorded events of the window in the order they happened, a page at a time. */
async function* recordedEvents(exec: Executor, guildId: string, since: Date, until: Date, pageSize: number): AsyncGenerator<LakeEvent[]> {
  let after: { at: string; id: number } | null = null;
  for (;;) {
    const rows: { id: string | number; source_id: string; type: EventType; actor_id: string; target_id: string | null; channel_id: string | null; occurred_at: string | Date; data: Record<string, unknown> }[] = await queryRows(
      exec,
      sql`SELECT id, source_id, type, actor_id::text, target_id::text, channel_id::text, occurred_at, data FROM lake_events
          WHERE guild_id = ${guildId} AND occurred_at >= ${since.toISOString()}::timestamptz AND occurred_at <= ${until.toISOString()}::timestamptz
            ${after ? sql`AND (occurred_at, id) > (${after.at}::timestamptz, ${after.id})` : sql``}
          ORDER BY occurred_at, id LIMIT ${pageSize}`,
    );
    if (rows.length === 0) return;
    const last = rows[rows.length - 1]!;
    after = { at: new Date(last.occurred_at).toISOString(), id: Number(last.id) };
    yield rows.map(({ id: _id, ...r }) => ({ ...r, guild_id: guildId, occurred_at: new Date(r.occurred_at).toISOString() }));
    if (rows.length < pageSize) return;
  }
}

async function copyMembers(source: Executor, target: Database, guildId: string, into: string): Promise<void> {
  const members = await queryRows<{ u: string; r: string[]; b: boolean; j: string | null; l: string | null }>(
    source,
    sql`SELECT user_id::text AS u, roles AS r, is_bot AS b, joined_at AS j, left_at AS l FROM members WHERE guild_id = ${guildId}`,
  );
  for (let i = 0; i < members.length; i += 5000) {
    const part = JSON.stringify(members.slice(i, i + 5000));
    await target.db.execute(sql`
      INSERT INTO members (guild_id, user_id, roles, is_bot, joined_at, left_at)
      SELECT g, v.u, ARRAY(SELECT json_array_elements_text(v.r)), v.b, v.j, v.l
      FROM json_to_recordset(${part}::json) AS v(u bigint, r json, b boolean, j timestamptz, l timestamptz), (VALUES (${into}::bigint)) AS gs(g)`);
  }
}

/** Each member's balances per currency key in the live and the candidate replay. */
async function payouts(database: Database, live: string, candidate: string): Promise<Map<string, Map<string, { live: number; candidate: number }>>> {
  const rows = await queryRows<{ g: string; u: string; k: string; b: string }>(
    database.db,
    sql`SELECT w.guild_id::text g, w.user_id::text u, c.key k, w.balance::text b FROM wallets w JOIN currencies c ON c.id = w.currency_id
        WHERE w.guild_id IN (${live}::bigint, ${candidate}::bigint) AND w.balance <> 0`,
  );
  const byMember = new Map<string, Map<string, { live: number; candidate: number }>>();
  for (const r of rows) {
    let m = byMember.get(r.u);
    if (!m) byMember.set(r.u, (m = new Map()));
    const p = m.get(r.k) ?? { live: 0, candidate: 0 };
    if (r.g === live) p.live += Number(r.b);
    else p.candidate += Number(r.b);
    m.set(r.k, p);
  }
  return byMember;
}

/** The window's numbers, each within its range (else a BacktestError naming it): a window never makes an invalid date. */
function checkWindow(options: { days: number; now?: Date; pageSize?: number }): void {
  const problems: Problem[] = [];
  const check = (path: string, value: unknown, min: number, max: number) => {
    for (const issue of wholeNumber(min, max).safeParse(value).error?.issues ?? []) problems.push({ path, message: issue.message });
  };
  check('days', options.days, 1, MAX_BACKTEST_DAYS);
  if (options.pageSize !== undefined) check('pageSize', options.pageSize, 1, MAX_PAGE_SIZE);
  if (options.now !== undefined && !Number.isFinite(options.now.getTime())) problems.push({ path: 'now', message: 'must be a valid date' });
  if (problems.length > 0) throw new BacktestError('the backtest window is invalid', problems);
}

interface Scratch {
  database: Database;
  pipeline: IngestPipeline;
}

interface Source {
  live: Recipe;
  timezone: string;
}

/** `promise`, forgotten by `forget` if it fails, so the next run tries again. */
async function forgetOnFailure<T>(promise: Promise<T>, forget: () => void): Promise<T> {
  try {
    return await promise;
  } catch (error) {
    forget();
    throw error;
  }
}

/**
 * One scratch database for a guild's backtests: opened by the first, shared by the next (a
 * generation of suggestions replays up to three candidates), so the embedded database (seconds to
 * create) and the live replay of a window (the same for every candidate) are paid once.
 */
export class BacktestSession {
  #source: Promise<Source> | undefined;
  #scratch: Promise<Scratch> | undefined;
  /** The live replay of each window (`since/until`): its scratch guild, once replayed whole. */
  readonly #liveReplays = new Map<string, string>();
  #guilds = 0;
  #queue: Promise<void> = Promise.resolve();

  constructor(
    readonly source: Database,
    readonly guildId: string,
  ) {}

  /** Runs one at a time: a run waits for the one before it (they share the scratch database). */
  run(candidates: unknown[], options: BacktestOptions): Promise<BacktestResult> {
    const result = this.#queue.then(() => this.#run(candidates, options));
    this.#queue = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  async #run(candidates: unknown[], options: BacktestOptions): Promise<BacktestResult> {
    checkWindow(options);
    const source = await forgetOnFailure(this.#source ??= this.#readSource(), () => (this.#source = undefined));
    // Candidates are checked before the scratch database is made: a bad rule costs nothing.
    const { recipe: candidate, added, replaced } = overlayRules(source.live, candidates);
    const scratch = await forgetOnFailure(this.#scratch ??= this.#openScratch(), () => (this.#scratch = undefined));
    const until = options.now ?? new Date();
    const since = new Date(until.getTime() - options.days * 86_400_000);
    const window = `${since.toISOString()}/${until.toISOString()}`;
    // A new window replays both configurations over one read of the lake; a window seen before
    // replays only the candidate and compares it with the live replay already done.
    const knownLive = this.#liveReplays.get(window);
    const liveGuild = knownLive ?? (await this.#addGuild(scratch, source, source.live, 'live'));
    const candidateGuild = await this.#addGuild(scratch, source, candidate, 'candidate');
    const events = await this.#replay(scratch.pipeline, knownLive ? [candidateGuild] : [liveGuild, candidateGuild], since, until, options.pageSize ?? CHUNK);
    this.#liveReplays.set(window, liveGuild);
    const byMember = await payouts(scratch.database, liveGuild, candidateGuild);
    const currencies: Record<string, Payout> = {};
    for (const c of [...new Set([...source.live.currencies, ...candidate.currencies].map((c) => c.key))].sort()) currencies[c] = { live: 0, candidate: 0, difference: 0 };
    const members: BacktestResult['members'] = {};
    let unchangedMembers = 0;
    for (const userId of [...byMember.keys()].sort(compareIds)) {
      const wallets = byMember.get(userId)!;
      const differs: Record<string, Payout> = {};
      for (const key of [...wallets.keys()].sort()) {
        const p = wallets.get(key)!;
        const total = (currencies[key] ??= { live: 0, candidate: 0, difference: 0 });
        total.live += p.live;
        total.candidate += p.candidate;
        total.difference = total.candidate - total.live;
        if (p.live !== p.candidate) differs[key] = { ...p, difference: p.candidate - p.live };
      }
      if (Object.keys(differs).length > 0) members[userId] = differs;
      else unchangedMembers++;
    }
    return { guild: this.guildId, days: options.days, from: since.toISOString(), to: until.toISOString(), events, currencies, members, unchangedMembers, rules: { added, replaced } };
  }

  async close(): Promise<void> {
    const scratch = this.#scratch;
    this.#scratch = undefined;
    this.#liveReplays.clear();
    await scratch?.then((s) => s.database.close()).catch(() => undefined);
  }

  /** The guild's time zone and live configuration, read once for the session. */
  async #readSource(): Promise<Source> {
    const [guild] = await this.source.db.select({ timezone: guilds.timezone }).from(guilds).where(eq(guilds.id, this.guildId));
    if (!guild) throw new BacktestError(`guild ${this.guildId} is not known to Cairn`);
    return { live: await exportGuild(this.source.db, this.guildId), timezone: guild.timezone };
  }

  async #openScratch(): Promise<Scratch> {
    const database = await openScratchDatabase();
    const pipeline = new IngestPipeline(database, [new EngineProcessor(new ConfigStore(database), { milestones: new MilestoneChecker() })]);
    return { database, pipeline };
  }

  /** A scratch guild under `recipe`, with the source guild's members (their roles, bots, joins). */
  async #addGuild(scratch: Scratch, source: Source, recipe: Recipe, name: 'live' | 'candidate'): Promise<string> {
    const id = String(++this.#guilds);
    await scratch.database.db.insert(guilds).values({ id, name, timezone: source.timezone });
    const imported = await importRecipe(scratch.database.db, id, recipe, { actor: 'backtest', allowUnbound: true });
    if (!imported.ok) throw new BacktestError(`the ${name} configuration cannot be replayed`, imported.problems);
    await copyMembers(this.source.db, scratch.database, this.guildId, id);
    return id;
  }

  /** The window's recorded events, replayed in each of `guildIds`; how many events that is. */
  async #replay(pipeline: IngestPipeline, guildIds: string[], since: Date, until: Date, pageSize: number): Promise<number> {
    let events = 0;
    for await (const chunk of recordedEvents(this.source.db, this.guildId, since, until, pageSize)) {
      events += chunk.length;
      await pipeline.ingestEvents(
        guildIds.flatMap((id) => chunk.map((e) => ({ ...e, guild_id: id }))),
        'backfill',
      );
    }
    return events;
  }
}

export interface BacktestOptions {
  days: number;
  now?: Date;
  /** Events read and replayed at a time. */
  pageSize?: number;
}

/** `use` with a backtest session of the guild, closed (its scratch database freed) afterwards. */
export async function withBacktestSession<T>(source: Database, guildId: string, use: (session: BacktestSession) => Promise<T>): Promise<T> {
  const session = new BacktestSession(source, guildId);
  try {
    return await use(session);
  } finally {
    await session.close();
  }
}

/** One backtest on a scratch database of its own. */
export function backtest(source: Database, guildId: string, candidates: unknown[], options: BacktestOptions): Promise<BacktestResult> {
  return withBacktestSession(source, guildId, (session) => session.run(candidates, options));
}
