// What listeners work with: the client, the services of the data path, and the bot's own parts.
import type { InviteTracker } from './invites.ts';
import type { Client } from 'discord.js';
import type { AiService } from '../ai/ai-service.ts';
import type { Clock } from '../app/clock.ts';
import type { Db } from '../db/client.ts';
import type { Logger } from '../log/logger.ts';
import type { IngestPipeline } from '../pipeline/ingest.ts';
import type { ManualAwards } from '../pipeline/manual-awards.ts';
import type { ConfigStore } from '../rules/config-store.ts';
import type { SlashCommand } from './commands/command.ts';
import type { GuildCommandRegistrar } from './commands/register.ts';
import type { DirectorySync } from './directory-sync.ts';
import type { EventBatcher } from './event-batcher.ts';
import type { MemberSync } from './member-sync.ts';
import type { OutboxDispatcher } from './outbox-dispatcher.ts';
import type { PresenceSessions } from './presence-sessions.ts';
import type { ScheduledEventSync } from './scheduled-event-sync.ts';
import type { VoiceSessions } from './voice-sessions.ts';

export interface BotContext {
  readonly client: Client;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly db: Db;
  readonly pipeline: IngestPipeline;
  readonly configs: ConfigStore;
  /** Manual awards (/award): a refused one writes nothing; one of the pipeline's processors. */
  readonly awards: ManualAwards;
  /** Gateway events on their way to the lake, in micro-batches. */
  readonly events: EventBatcher;
  readonly members: MemberSync;
  /** Which invite each member joined with (absent in tests that do not need it). */
  readonly invites?: InviteTracker | undefined;
  /** Channel, role and guild names for the panel (written in bulk). */
  readonly directory: DirectorySync;
  readonly voice: VoiceSessions;
  /** Scheduled events as objects (name, host, status, interested count). */
  readonly scheduledEvents: ScheduledEventSync;
  /** Presence sessions, only when the presence intent is enabled (DISCORD_PRIVILEGED_INTENTS). */
  readonly presence?: PresenceSessions | undefined;
  readonly commands: readonly SlashCommand[];
  /** Registers each guild's commands: the built-ins and its custom commands. */
  readonly guildCommands: GuildCommandRegistrar;
  /** Gemini features for commands such as /audit. */
  readonly ai?: AiService | undefined;
  /** The outbox dispatcher, woken after a component wrote outbox rows outside the pipeline. */
  readonly outbox?: OutboxDispatcher | undefined;
}
