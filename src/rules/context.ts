// The data a rule's JSON Logic sees for one event: the event, actor and target (balances, lifetime
// totals, levels, roles), the channel's zone and multipliers, time, chain depth and the rule's vars.
import type { LakeEvent } from '../events/lake-event.ts';
import type { CompiledConfig } from './compiler.ts';
import type { MultiplierSource } from './logic/operations.ts';
import type { EngineState } from './state.ts';
import { channelTypeOf } from './zones.ts';

/** A member as conditions see it; balances are read when first asked for. */
export class MemberView {
  #balances?: Record<string, number>;
  #lifetime?: Record<string, number>;
  #levels?: Record<string, number | null>;

  constructor(
    readonly id: string,
    private readonly config: CompiledConfig,
    private readonly state: EngineState,
  ) {}

  get mention(): string {
    return `<@${this.id}>`;
  }

  get roles(): string[] {
    return this.state.roles(this.id);
  }

  get balances(): Record<string, number> {
    return (this.#balances ??= this.#read((w) => w.balance) as Record<string, number>);
  }

  get lifetime(): Record<string, number> {
    return (this.#lifetime ??= this.#read((w) => w.lifetimeEarned) as Record<string, number>);
  }

  get levels(): Record<string, number | null> {
    return (this.#levels ??= this.#read((w) => w.level));
  }

  /** Balances change as effects apply; the next read sees the new values. */
  invalidate(): void {
    this.#balances = this.#lifetime = this.#levels = undefined;
  }

  #read(pick: (w: { balance: number; lifetimeEarned: number; level: number | null }) => number | null) {
    const out: Record<string, number | null> = {};
    for (const [key, currency] of this.config.currencies) out[key] = pick(this.state.wallet(this.id, currency));
    return out;
  }

  toJSON() {
    return { id: this.id, roles: this.roles, balances: this.balances, lifetime: this.lifetime, levels: this.levels };
  }
}

class EventMultipliers implements MultiplierSource {
  constructor(
    private readonly config: CompiledConfig,
    private readonly channelId: string | null,
    private readonly channelType: string,
    private readonly eventType: string,
  ) {}

  multiplier(currency: string, typeKey?: string): number {
    return this.config.zones.multiplier(this.channelId, this.channelType, currency, typeKey ?? this.eventType);
  }
}

export interface EvalContext {
  event: LakeEvent;
  actor: MemberView;
  target: MemberView | null;
  self: boolean;
  zone: { key: string; name: string } | null;
  channel_type: string;
  time: { iso: string; unix: number; hour: number; minute: number; weekday: number; date: string };
  chain: { depth: number; root_type: string };
  vars: Record<string, unknown>;
  $multipliers: MultiplierSource;
}

export function buildContext(config: CompiledConfig, state: EngineState, event: LakeEvent, depth: number, rootType: string): EvalContext {
  const channelType = channelTypeOf(event.type, event.data);
  const zone = config.zones.zoneOf(event.channel_id) ?? config.zones.defaultFor(channelType);
  const at = new Date(event.occurred_at);
  return {
    event,
    actor: new MemberView(event.actor_id, config, state),
    target: event.target_id ? new MemberView(event.target_id, config, state) : null,
    self: event.target_id !== null && event.target_id === event.actor_id,
    zone: zone ? { key: zone.key, name: zone.name } : null,
    channel_type: channelType,
    time: {
      iso: event.occurred_at,
      unix: Math.floor(at.getTime() / 1000),
      hour: at.getUTCHours(),
      minute: at.getUTCMinutes(),
      weekday: at.getUTCDay(),
      date: event.occurred_at.slice(0, 10),
    },
    chain: { depth, root_type: rootType },
    vars: {},
    $multipliers: new EventMultipliers(config, event.channel_id, channelType, event.type),
  };
}
