// Every listener the bot attaches. Adding one: write its file, then list it here.
import type { Listener } from '../listener.ts';
import { channelDelete } from './channel-delete.ts';
import { channelCreate, channelUpdate } from './channel-upsert.ts';
import { commandUsed } from './command-used.ts';
import { guildCreate } from './guild-create.ts';
import { guildDirectory } from './guild-directory.ts';
import { guildJoined } from './guild-joined.ts';
import { guildScheduledEvents } from './guild-scheduled-events.ts';
import { guildUpdate } from './guild-update.ts';
import { interactionCreate } from './interaction-create.ts';
import { inviteCreate, inviteDelete } from './invites.ts';
import { memberAdd } from './member-add.ts';
import { memberRemove } from './member-remove.ts';
import { memberUpdate } from './member-update.ts';
import { membersChunk } from './members-chunk.ts';
import { messageAuthor } from './message-author.ts';
import { messageCreate } from './message-create.ts';
import { presenceUpdate } from './presence-update.ts';
import { reactionAdd } from './reaction-add.ts';
import { reactionRemove } from './reaction-remove.ts';
import { ready } from './ready.ts';
import { roleDelete } from './role-delete.ts';
import { roleCreate, roleUpdate } from './role-upsert.ts';
import { scheduledEventDelete } from './scheduled-event-delete.ts';
import { scheduledEventUserAdd, scheduledEventUserRemove } from './scheduled-event-interest.ts';
import { scheduledEventCreate, scheduledEventUpdate } from './scheduled-event-upsert.ts';
import { threadCreate } from './thread-create.ts';
import { voiceStateUpdate } from './voice-state-update.ts';
import { ticketChannelDelete, ticketThreadDelete } from '../tickets/listeners/ticket-channel-gone.ts';
import { ticketMessageCreate, ticketMessageDelete, ticketMessageUpdate } from '../tickets/listeners/ticket-messages.ts';
import { ticketOpenerLeft } from '../tickets/listeners/ticket-opener-left.ts';

export const LISTENERS: readonly Listener[] = [
  ready,
  guildCreate,
  guildDirectory,
  guildUpdate,
  guildJoined,
  inviteCreate,
  inviteDelete,
  channelCreate,
  channelUpdate,
  channelDelete,
  roleCreate,
  roleUpdate,
  roleDelete,
  guildScheduledEvents,
  scheduledEventCreate,
  scheduledEventUpdate,
  scheduledEventDelete,
  scheduledEventUserAdd,
  scheduledEventUserRemove,
  messageCreate,
  messageAuthor,
  reactionAdd,
  reactionRemove,
  threadCreate,
  voiceStateUpdate,
  presenceUpdate,
  memberAdd,
  memberUpdate,
  memberRemove,
  membersChunk,
  commandUsed,
  interactionCreate,
  ticketMessageCreate,
  ticketMessageUpdate,
  ticketMessageDelete,
  ticketChannelDelete,
  ticketThreadDelete,
  ticketOpenerLeft,
];
