// The support desk as the bot holds it: the ticket service (lake events through the pipeline),
// the Discord calls, and a per-process lookup of which channels are tickets, so ordinary chat costs
// one map lookup. One desk per client (a restarted bot gets a fresh one).
import type { Client } from 'discord.js';
import type { Clock } from '../../app/clock.ts';
import type { Db } from '../../db/client.ts';
import type { LakeEvent } from '../../events/lake-event.ts';
import type { Logger } from '../../log/logger.ts';
import type { IngestPipeline } from '../../pipeline/ingest.ts';
import type { ConfigStore } from '../../rules/config-store.ts';
import { ticketChannels } from '../../tickets/repository.ts';
import { TicketService } from '../../tickets/service.ts';
import { TicketDiscord } from './discord-api.ts';

export interface DeskServices {
  db: Db;
  pipeline: IngestPipeline;
  clock: Clock;
  configs: ConfigStore;
  logger: Logger;
}

export interface TicketRef {
  guildId: string;
  number: number;
}

/** Channel id → ticket, loaded once per process and kept up to date by this process's changes. */
export class TicketChannels {
  #map: Promise<Map<string, TicketRef>> | undefined;

  constructor(private readonly db: Db) {}

  async lookup(channelId: string): Promise<TicketRef | undefined> {
    return (await this.#load()).get(channelId);
  }

  async add(channelId: string, ref: TicketRef): Promise<void> {
    (await this.#load()).set(channelId, ref);
  }

  async remove(channelId: string): Promise<void> {
    (await this.#load()).delete(channelId);
  }

  #load(): Promise<Map<string, TicketRef>> {
    this.#map ??= ticketChannels(this.db).then(
      (rows) => new Map(rows.map((r) => [r.channelId, { guildId: r.guildId, number: r.number }])),
      (error: unknown) => {
        this.#map = undefined;
        throw error;
      },
    );
    return this.#map;
  }
}

export interface Desk extends DeskServices {
  client: Client;
  service: TicketService;
  discord: TicketDiscord;
  channels: TicketChannels;
}

const desks = new WeakMap<Client, Desk>();

/** Writes ticket lake events through the pipeline; a rejected one is a bug, thrown. */
async function record(pipeline: IngestPipeline, events: LakeEvent[]): Promise<void> {
  if (events.length === 0) return;
  const result = await pipeline.ingest(events, { origin: 'gateway', guildId: events[0]!.guild_id });
  if (result.rejected.length > 0) throw new Error(`ticket lake event rejected: ${JSON.stringify(result.rejected[0]!.errors)}`);
}

export function deskFor(client: Client, services: DeskServices): Desk {
  let desk = desks.get(client);
  if (!desk) {
    desk = {
      db: services.db,
      pipeline: services.pipeline,
      clock: services.clock,
      configs: services.configs,
      logger: services.logger.child({ part: 'tickets' }),
      client,
      service: new TicketService({ db: services.db, clock: services.clock, record: (events) => record(services.pipeline, events) }),
      discord: new TicketDiscord(client.rest),
      channels: new TicketChannels(services.db),
    };
    desks.set(client, desk);
  }
  return desk;
}
