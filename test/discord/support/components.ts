// Interaction payloads for buttons, select menus and modal submits, as Discord sends them: the
// message the component sits on, the custom id, and for selects the chosen values. A DM
// interaction (no guild) has `user` instead of `member`.
import { ALICE, CHANNEL, GUILD, member, snowflakeAt, user } from './payloads.ts';

export interface ComponentInvoker {
  id?: string;
  roles?: string[];
  permissions?: string;
  /** The channel the component's message is in (default the general channel). */
  channelId?: string;
  /** A component on a DM message: no guild, no member. */
  dm?: boolean;
  /** The message the component sits on. */
  messageId?: string;
}

function base(type: number, invoker: ComponentInvoker) {
  const id = snowflakeAt();
  const invokerId = invoker.id ?? ALICE;
  const channelId = invoker.channelId ?? CHANNEL;
  const where = invoker.dm
    ? { user: user(invokerId), channel_id: channelId, channel: { id: channelId, type: 1 }, context: 1 }
    : {
        guild_id: GUILD,
        guild: { id: GUILD, locale: 'en-US', features: [] },
        channel_id: channelId,
        channel: { id: channelId, type: 0, guild_id: GUILD, name: 'general', permissions: '1071698660929', flags: 0 },
        member: { ...member(invokerId, { roles: invoker.roles ?? [] }), permissions: invoker.permissions ?? '1071698660929' },
        context: 0,
      };
  return {
    id,
    application_id: '900000000000000001',
    type,
    token: `token-${id}`,
    version: 1,
    app_permissions: '1071698660929',
    locale: 'en-US',
    ...(invoker.dm ? {} : { guild_locale: 'en-US' }),
    entitlements: [],
    authorizing_integration_owners: invoker.dm ? { '1': invokerId } : { '0': GUILD },
    attachment_size_limit: 10485760,
    ...where,
  };
}

function componentMessage(invoker: ComponentInvoker) {
  return {
    id: invoker.messageId ?? '1300000000000000001',
    channel_id: invoker.channelId ?? CHANNEL,
    type: 0,
    content: '',
    embeds: [],
    components: [],
    author: user('900000000000000001', { username: 'cairn', bot: true }),
    attachments: [],
    mentions: [],
    mention_roles: [],
    mention_everyone: false,
    pinned: false,
    tts: false,
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    flags: 0,
  };
}

/** A click on a button with this custom id. */
export function buttonClick(customId: string, invoker: ComponentInvoker = {}) {
  return { ...base(3, invoker), message: componentMessage(invoker), data: { custom_id: customId, component_type: 2 } };
}

/** A choice in a string select menu with this custom id. */
export function selectChoice(customId: string, values: string[], invoker: ComponentInvoker = {}) {
  return { ...base(3, invoker), message: componentMessage(invoker), data: { custom_id: customId, component_type: 3, values } };
}

/** A modal submitted with these text inputs (custom id → value). */
export function modalSubmit(customId: string, fields: Record<string, string>, invoker: ComponentInvoker = {}) {
  return {
    ...base(5, invoker),
    data: {
      custom_id: customId,
      components: Object.entries(fields).map(([id, value]) => ({ type: 1, components: [{ type: 4, custom_id: id, value }] })),
    },
  };
}
