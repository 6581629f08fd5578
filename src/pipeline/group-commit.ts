// Group commit: small ingests that arrive while a transaction of their origin is running (single-event
// HTTP requests from a webhook or a game server) wait for it and then share the next transaction,
// instead of each paying a dozen statements and a commit of its own. Each submission keeps its own
// answer, stays whole (a request's events commit together or not at all) and keeps its own failure:
// a group that fails for a reason of its own is split between submissions and run again, so one
// poisoned request never fails its neighbours. A database that went away fails the whole group.
import type { LakeEvent } from '../events/lake-event.ts';
import type { EventOrigin, LakeWriteResult } from '../events/lake-writer.ts';
import { isDatabaseUnavailable } from '../db/unavailable.ts';

/** What a submission's events became (positions within the submission), or their own failures. */
export type ContainedResult = LakeWriteResult & { failed: { index: number; message: string }[] };

export interface GroupRunner {
  /** One transaction for all the events, in order; throws if it failed (nothing written). */
  runBatch(events: LakeEvent[], origin: EventOrigin): Promise<LakeWriteResult>;
  /** A non-atomic submission that failed alone: contains the failure to the events it belongs to. */
  runContained(events: LakeEvent[], origin: EventOrigin): Promise<ContainedResult>;
  /** Told of every group that failed and was split (for logs). */
  splitting?(error: unknown, submissions: number): void;
}

export interface GroupCommitOptions {
  /** A group takes submissions until it holds this many events (a larger submission goes alone). */
  maxEvents: number;
  /** Transactions of one origin running at once; the next group forms while they run. */
  maxInFlight: number;
  /**
   * How long a small submission that finds its origin idle waits for company before its
   * transaction starts: requests whose answers just went out are usually sending their next one.
   */
  waitMs: number;
}

export const DefaultGroupCommitOptions = { maxEvents: 500, maxInFlight: 1, waitMs: 2 } as const satisfies GroupCommitOptions;

interface Submission {
  events: LakeEvent[];
  /** A request: all its events commit or none, and a failure is thrown to its caller. */
  atomic: boolean;
  resolve(result: ContainedResult): void;
  reject(error: unknown): void;
}

interface Lane {
  queue: Submission[];
  running: number;
  /** A group is gathering (waitMs) before it starts. */
  gathering: boolean;
}

/** Sizes of the groups committed so far (for tests and the benchmark). */
export interface GroupCommitStats {
  groups: number;
  submissions: number;
  largest: number;
  splits: number;
}

export class GroupCommit {
  readonly #options: GroupCommitOptions;
  readonly #lanes = new Map<EventOrigin, Lane>();
  readonly stats: GroupCommitStats = { groups: 0, submissions: 0, largest: 0, splits: 0 };

  constructor(
    private readonly runner: GroupRunner,
    options: Partial<GroupCommitOptions> = {},
  ) {
    this.#options = { ...DefaultGroupCommitOptions, ...options };
  }

  /** Submissions waiting for a transaction (not yet in one). */
  get waiting(): number {
    let count = 0;
    for (const lane of this.#lanes.values()) count += lane.queue.length;
    return count;
  }

  /** Ingests the events in the next transaction of their origin, shared with whatever else is waiting. */
  submit(events: LakeEvent[], origin: EventOrigin, atomic: boolean): Promise<ContainedResult> {
    return new Promise((resolve, reject) => {
      let lane = this.#lanes.get(origin);
      if (!lane) this.#lanes.set(origin, (lane = { queue: [], running: 0, gathering: false }));
      lane.queue.push({ events, atomic, resolve, reject });
      if (lane.running > 0 || lane.gathering) this.#pump(origin, lane);
      // A large submission is a batch already: it does not wait for company.
      else if (this.#options.waitMs <= 0 || events.length * 10 > this.#options.maxEvents) this.#pump(origin, lane);
      else {
        lane.gathering = true;
        setTimeout(() => {
          lane.gathering = false;
          this.#pump(origin, lane);
        }, this.#options.waitMs);
      }
    });
  }

  #pump(origin: EventOrigin, lane: Lane): void {
    while (!lane.gathering && lane.running < this.#options.maxInFlight && lane.queue.length > 0) {
      const group = this.#take(lane);
      lane.running++;
      void this.#commit(group, origin).finally(() => {
        lane.running--;
        this.#pump(origin, lane);
      });
    }
  }

  /** The waiting submissions, in arrival order, up to maxEvents (at least one). */
  #take(lane: Lane): Submission[] {
    let events = lane.queue[0]!.events.length;
    let count = 1;
    while (count < lane.queue.length && events + lane.queue[count]!.events.length <= this.#options.maxEvents) {
      events += lane.queue[count]!.events.length;
      count++;
    }
    return lane.queue.splice(0, count);
  }

  async #commit(group: Submission[], origin: EventOrigin): Promise<void> {
    this.stats.groups++;
    this.stats.submissions += group.length;
    this.stats.largest = Math.max(this.stats.largest, group.length);
    try {
      await this.#run(group, origin);
    } catch (error) {
      // #run settles every submission itself; this is a bug's last line of defence.
      for (const s of group) s.reject(error);
    }
  }

  /** Runs a group in one transaction; on a failure of its own, each half again (never splitting a submission). */
  async #run(group: Submission[], origin: EventOrigin): Promise<void> {
    if (group.length === 1 && !group[0]!.atomic) {
      // Alone, a submission that may be split runs as before groups existed: its own containment.
      const only = group[0]!;
      await this.runner.runContained(only.events, origin).then(only.resolve, only.reject);
      return;
    }
    let result: LakeWriteResult;
    try {
      result = await this.runner.runBatch(group.flatMap((s) => s.events), origin);
    } catch (error) {
      if (isDatabaseUnavailable(error)) {
        for (const s of group) s.reject(error);
        return;
      }
      if (group.length === 1) {
        group[0]!.reject(error);
        return;
      }
      this.stats.splits++;
      this.runner.splitting?.(error, group.length);
      const middle = Math.ceil(group.length / 2);
      await this.#run(group.slice(0, middle), origin);
      await this.#run(group.slice(middle), origin);
      return;
    }
    for (const [s, part] of splitResult(group, result)) s.resolve(part);
  }
}

/** The group's result cut back into each submission's, with positions relative to it. */
function splitResult(group: Submission[], result: LakeWriteResult): [Submission, ContainedResult][] {
  const owner: { submission: number; offset: number }[] = [];
  const parts: ContainedResult[] = group.map(() => ({ inserted: [], duplicates: [], failed: [] }));
  group.forEach((s, submission) => {
    const offset = owner.length;
    for (let i = 0; i < s.events.length; i++) owner.push({ submission, offset });
  });
  for (const stored of result.inserted) {
    const o = owner[stored.index]!;
    parts[o.submission]!.inserted.push({ ...stored, index: stored.index - o.offset });
  }
  for (const index of result.duplicates) {
    const o = owner[index]!;
    parts[o.submission]!.duplicates.push(index - o.offset);
  }
  for (const index of result.expired ?? []) {
    const o = owner[index]!;
    (parts[o.submission]!.expired ??= []).push(index - o.offset);
  }
  return group.map((s, i) => [s, parts[i]!]);
}
