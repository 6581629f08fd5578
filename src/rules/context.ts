// The data a rule's JSON Logic sees for one event: the event, actor and target (balances, lifetime
// totals, levels, roles), the channel's zone and multipliers, time, chain depth and the rule's vars.
// Everything but the event is computed only when a rule first reads it.
import type { LakeEvent } from '../events/lake-event.ts';
import type { CompiledConfig } from './compiler.ts';
import { MULTIPLIERS, type MultiplierSource } from './logic/operations.ts';
import { CONTEXT_KEYS, MEMBER_KEYS, VAR_KEYS } from './logic/var-path.ts';
import type { EngineState } from './state.ts';
import { channelTypeOf } from './zones.ts';

const NO_VARS: Record<string, unknown> = Object.freeze({});

/** A member as conditions see it; balances are read when first asked for. */
export class MemberView {
  #balances?: Record<string, number>;
  #lifetime?: Record<string, number>;
  #levels?: Record<string, number | null>;
  // Private fields, not properties: no `var` path can reach them.
  readonly #config: CompiledConfig;
  readonly #state: EngineState;

  constructor(
    readonly id: string,
    config: CompiledConfig,
    state: EngineState,
  ) {
    this.#config = config;
    this.#state = state;
  }

  /** What a `var` path may read of a member (logic/var-path.ts). */
  declare readonly [VAR_KEYS]: ReadonlySet<string>;
  static {
    Object.defineProperty(this.prototype, VAR_KEYS, { value: MEMBER_KEYS });
  }

  get mention(): string {
    return `<@${this.id}>`;
  }

  get roles(): string[] {
    return this.#state.roles(this.id);
  }

  get balances(): Record<string, number> {
    return (this.#balances ??= this.#read(0) as Record<string, number>);
  }

  get lifetime(): Record<string, number> {
    return (this.#lifetime ??= this.#read(1) as Record<string, number>);
  }

  get levels(): Record<string, number | null> {
    return (this.#levels ??= this.#read(2));
  }

  /** Balances change as effects apply; the next read sees the new values. */
  invalidate(): void {
    this.#balances = this.#lifetime = this.#levels = undefined;
  }

  #read(field: 0 | 1 | 2): Record<string, number | null> {
    const out: Record<string, number | null> = {};
    for (const [key, currency] of this.#config.currencies) {
      const w = this.#state.wallet(this.id, currency);
      out[key] = field === 0 ? w.balance : field === 1 ? w.lifetimeEarned : w.level;
    }
    return out;
  }

  toJSON() {
    return { id: this.id, roles: this.roles, balances: this.balances, lifetime: this.lifetime, levels: this.levels };
  }
}

/** The evaluation context of one event (`this` of custom operations, `data` of JSON Logic). */
export class EvalContext implements MultiplierSource {
  /** A rule's vars (the engine sets a fresh object for a rule that has some; none read as empty). */
  vars: Record<string, unknown> = NO_VARS;
  /**
   * The AI message-quality signal (0–1) of the root event, for rules that read it. Undefined when
   * it could not be had (JSON Logic then reads null, or the default in `{"var": ["ai_quality", d]}`).
   */
  ai_quality: number | undefined = undefined;
  #actor?: MemberView;
  #target?: MemberView | null;
  #time?: EvalContext['time'];
  #zone?: { key: string; name: string } | null;
  #chain?: { depth: number; root_type: string };
  #channelType?: string;
  readonly #config: CompiledConfig;
  readonly #state: EngineState;
  readonly #depth: number;
  readonly #rootType: string;

  constructor(
    readonly event: LakeEvent,
    config: CompiledConfig,
    state: EngineState,
    depth: number,
    rootType: string,
    /** Event time, ms since epoch. */
    readonly at: number,
  ) {
    this.#config = config;
    this.#state = state;
    this.#depth = depth;
    this.#rootType = rootType;
  }

  // Like the members, time and zone, `chain` and `channel_type` are worked out when a rule first
  // reads them: most events are evaluated by rules that read neither.
  get chain(): { depth: number; root_type: string } {
    return (this.#chain ??= { depth: this.#depth, root_type: this.#rootType });
  }

  get channel_type(): string {
    return (this.#channelType ??= channelTypeOf(this.event.type, this.event.data));
  }

  /** The documented roots, the only keys a `var` path may read here (logic/var-path.ts). */
  declare readonly [VAR_KEYS]: ReadonlySet<string>;
  static {
    Object.defineProperty(this.prototype, VAR_KEYS, { value: CONTEXT_KEYS });
  }

  /** `{"var": ""}` at the root is the context as a value: its roots, never its internals. */
  toJSON(): Record<string, unknown> {
    return Object.fromEntries([...CONTEXT_KEYS].map((key) => [key, this[key as keyof this]]));
  }

  /** The zone multipliers of custom operations (`multiplier`), behind a symbol no path can name. */
  get [MULTIPLIERS](): MultiplierSource {
    return this;
  }

  get actor(): MemberView {
    return (this.#actor ??= new MemberView(this.event.actor_id, this.#config, this.#state));
  }

  get target(): MemberView | null {
    if (this.#target === undefined) this.#target = this.event.target_id ? new MemberView(this.event.target_id, this.#config, this.#state) : null;
    return this.#target;
  }

  get self(): boolean {
    return this.event.target_id !== null && this.event.target_id === this.event.actor_id;
  }

  get zone(): { key: string; name: string } | null {
    if (this.#zone === undefined) {
      const zone = this.#config.zones.zoneOf(this.event.channel_id) ?? this.#config.zones.defaultFor(this.channel_type);
      this.#zone = zone ? { key: zone.key, name: zone.name } : null;
    }
    return this.#zone;
  }

  get time(): { iso: string; unix: number; hour: number; minute: number; weekday: number; date: string } {
    if (!this.#time) {
      const d = new Date(this.at);
      this.#time = { iso: this.event.occurred_at, unix: Math.floor(this.at / 1000), hour: d.getUTCHours(), minute: d.getUTCMinutes(), weekday: d.getUTCDay(), date: this.event.occurred_at.slice(0, 10) };
    }
    return this.#time;
  }

  multiplier(currency: string, typeKey?: string): number {
    // Without zones every multiplier is 1, and the channel type need not be worked out.
    if (this.#config.zones.empty) return 1;
    return this.#config.zones.multiplier(this.event.channel_id, this.channel_type, currency, typeKey ?? this.event.type);
  }

  /** Wallet reads are cached per member view: drop them after a balance changed. */
  invalidate(): void {
    this.#actor?.invalidate();
    if (this.#target) this.#target.invalidate();
  }
}

/** The last UTC day seen by eventTime: its digits (yyyymmdd) and its start in ms. */
let lastDay = -1;
let lastDayStart = 0;

const digit = (text: string, i: number) => text.charCodeAt(i) - 48;
const twoDigits = (text: string, i: number) => {
  const a = digit(text, i);
  const b = digit(text, i + 1);
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
};

/**
 * Date.parse(occurred_at), exactly, without parsing each event's date: a canonical UTC instant
 * (`YYYY-MM-DDTHH:MM:SS.sssZ`, what the lake stores) on the same day as the last one is the day's
 * start plus its time of day; any other text is handed to Date.parse.
 */
export function eventTime(iso: string): number {
  if (iso.length !== 24 || iso.charCodeAt(10) !== 84 /* T */ || iso.charCodeAt(13) !== 58 || iso.charCodeAt(16) !== 58 || iso.charCodeAt(19) !== 46 || iso.charCodeAt(23) !== 90 /* Z */) {
    return Date.parse(iso);
  }
  const hour = twoDigits(iso, 11);
  const minute = twoDigits(iso, 14);
  const second = twoDigits(iso, 17);
  const msHigh = twoDigits(iso, 20);
  const msLow = digit(iso, 22);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || msHigh < 0 || msLow < 0 || msLow > 9) return Date.parse(iso);
  const timeOfDay = ((hour * 60 + minute) * 60 + second) * 1000 + msHigh * 10 + msLow;
  const y1 = twoDigits(iso, 0);
  const y2 = twoDigits(iso, 2);
  const month = twoDigits(iso, 5);
  const day = twoDigits(iso, 8);
  if (y1 < 0 || y2 < 0 || month < 0 || day < 0 || iso.charCodeAt(4) !== 45 || iso.charCodeAt(7) !== 45) return Date.parse(iso);
  const key = ((y1 * 100 + y2) * 100 + month) * 100 + day;
  if (key === lastDay) return lastDayStart + timeOfDay;
  // A new day: Date.parse decides what the text means (and whether it is a date at all).
  const parsed = Date.parse(iso);
  if (Number.isFinite(parsed)) {
    lastDay = key;
    lastDayStart = parsed - timeOfDay;
  }
  return parsed;
}

export function buildContext(config: CompiledConfig, state: EngineState, event: LakeEvent, depth: number, rootType: string): EvalContext {
  return new EvalContext(event, config, state, depth, rootType, eventTime(event.occurred_at));
}
