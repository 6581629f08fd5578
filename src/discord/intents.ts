// The gateway intents Cairn asks for: what its events need, plus the privileged ones the operator
// enabled (DISCORD_PRIVILEGED_INTENTS). Presence is never requested unless listed.
import { GatewayIntentBits } from 'discord.js';
import { DiscordConfigError } from './errors.ts';

/** Non-privileged intents every Cairn bot needs. */
export const BASE_INTENTS = [
  GatewayIntentBits.Guilds,
  GatewayIntentBits.GuildMessages,
  GatewayIntentBits.GuildMessageReactions,
  GatewayIntentBits.GuildVoiceStates,
  GatewayIntentBits.GuildScheduledEvents,
  // INVITE_CREATE and INVITE_DELETE: which invite a member joined with (discord/invites.ts).
  GatewayIntentBits.GuildInvites,
] as const;

const PRIVILEGED: Record<string, GatewayIntentBits> = {
  GuildMembers: GatewayIntentBits.GuildMembers,
  MessageContent: GatewayIntentBits.MessageContent,
  GuildPresences: GatewayIntentBits.GuildPresences,
};

/** The intents for a list of privileged intent names; an unknown name is a configuration error. */
export function resolveIntents(privileged: readonly string[]): GatewayIntentBits[] {
  const intents = new Set<GatewayIntentBits>(BASE_INTENTS);
  for (const name of privileged) {
    const bit = PRIVILEGED[name];
    if (bit === undefined) {
      throw new DiscordConfigError(`DISCORD_PRIVILEGED_INTENTS: unknown intent "${name}"; expected any of ${Object.keys(PRIVILEGED).join(', ')}`);
    }
    intents.add(bit);
  }
  return [...intents];
}
