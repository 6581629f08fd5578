// The Discord REST calls the support desk makes: private threads and their members, private
// channels with permission overwrites, channel edits, and messages (with transcript files).
import { ChannelType, OverwriteType, PermissionFlagsBits, Routes, type APIChannel, type APIMessage, type RESTPostAPIChannelMessageJSONBody } from 'discord.js';
import type { REST } from 'discord.js';

export interface TicketFile {
  name: string;
  data: Buffer;
}

/** What a member of a ticket may do in a private ticket channel. */
const MEMBER_ALLOW = PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages | PermissionFlagsBits.ReadMessageHistory | PermissionFlagsBits.AttachFiles | PermissionFlagsBits.EmbedLinks;
const BOT_ALLOW = MEMBER_ALLOW | PermissionFlagsBits.ManageChannels | PermissionFlagsBits.ManageMessages;

export interface Overwrite {
  id: string;
  type: OverwriteType;
  allow: string;
  deny: string;
}

/** @everyone sees nothing; the opener, each staff role and the bot see and write. */
export function ticketOverwrites(input: { guildId: string; openerId: string; staffRoleIds: readonly string[]; botId: string }): Overwrite[] {
  const allow = (id: string, type: OverwriteType, bits = MEMBER_ALLOW): Overwrite => ({ id, type, allow: String(bits), deny: '0' });
  return [
    { id: input.guildId, type: OverwriteType.Role, allow: '0', deny: String(PermissionFlagsBits.ViewChannel) },
    allow(input.openerId, OverwriteType.Member),
    ...input.staffRoleIds.map((id) => allow(id, OverwriteType.Role)),
    allow(input.botId, OverwriteType.Member, BOT_ALLOW),
  ];
}

export class TicketDiscord {
  constructor(private readonly rest: REST) {}

  /** A private thread only its members (and those who manage threads) see; members cannot invite others. */
  async createPrivateThread(parentId: string, name: string): Promise<string> {
    const thread = (await this.rest.post(Routes.threads(parentId), { body: { name, type: ChannelType.PrivateThread, invitable: false, auto_archive_duration: 10080 } })) as APIChannel;
    return thread.id;
  }

  async createPrivateChannel(guildId: string, name: string, parentId: string | null, overwrites: Overwrite[]): Promise<string> {
    const channel = (await this.rest.post(Routes.guildChannels(guildId), {
      body: { name, type: ChannelType.GuildText, ...(parentId ? { parent_id: parentId } : {}), permission_overwrites: overwrites },
    })) as APIChannel;
    return channel.id;
  }

  async addThreadMember(threadId: string, userId: string): Promise<void> {
    await this.rest.put(Routes.threadMembers(threadId, userId));
  }

  async removeThreadMember(threadId: string, userId: string): Promise<void> {
    await this.rest.delete(Routes.threadMembers(threadId, userId));
  }

  async allowMember(channelId: string, userId: string): Promise<void> {
    await this.rest.put(Routes.channelPermission(channelId, userId), { body: { type: OverwriteType.Member, allow: String(MEMBER_ALLOW), deny: '0' } });
  }

  async removeOverwrite(channelId: string, id: string): Promise<void> {
    await this.rest.delete(Routes.channelPermission(channelId, id));
  }

  async editChannel(channelId: string, body: { name?: string; archived?: boolean; locked?: boolean }): Promise<void> {
    await this.rest.patch(Routes.channel(channelId), { body });
  }

  async post(channelId: string, body: RESTPostAPIChannelMessageJSONBody, files: TicketFile[] = []): Promise<APIMessage> {
    return (await this.rest.post(Routes.channelMessages(channelId), { body, ...(files.length > 0 ? { files: files.map((f) => ({ name: f.name, data: f.data })) } : {}) })) as APIMessage;
  }
}
