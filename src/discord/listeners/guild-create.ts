// GUILD_CREATE (start-up, or a guild becoming available) → the guild's name and icon, its members in the
// members table, voice (and, with the presence intent, presence) sessions reconciled with the
// guild's state now (sessions a crash left open end at their last_seen_at), and, for large guilds,
// a request for the full member list.
import { GatewayIntentBits, GatewayOpcodes } from 'discord.js';
import { z } from 'zod';
import type { DispatchListener } from '../listener.ts';
import { reportMalformed } from '../listener.ts';
import { Snowflake } from '../normalize/gateway-schemas.ts';
import { parseGuild } from '../normalize/guild.ts';
import { parseMemberList } from '../normalize/member.ts';
import { parsePayload } from '../normalize/result.ts';
import { parsePresence, type PresenceState } from '../normalize/presence.ts';
import { parseVoiceState, type VoiceState } from '../normalize/voice.ts';

const GuildCreate = z.object({
  id: Snowflake,
  afk_channel_id: Snowflake.nullable().optional(),
  large: z.boolean().optional(),
  voice_states: z.array(z.unknown()).default([]),
  presences: z.array(z.unknown()).default([]),
});

export const guildCreate: DispatchListener = {
  name: 'guild-create',
  dispatch: 'GUILD_CREATE',
  async run(context, data) {
    const parsed = parsePayload(GuildCreate, data);
    const named = parseGuild(data);
    if (!parsed.ok || !named.ok) return reportMalformed(context, 'GUILD_CREATE', [...(parsed.ok ? [] : parsed.problems), ...(named.ok ? [] : named.problems)]);
    const guild = parsed.value;
    const members = parseMemberList(guild.id, data);
    if (members.problems.length > 0) reportMalformed(context, 'GUILD_CREATE', members.problems.slice(0, 10));
    context.members.upsert(members.records);
    // Its invites and their uses, to tell which one each later join used (read in the background).
    void context.invites?.prime(guild.id);
    const states: VoiceState[] = [];
    for (const raw of guild.voice_states) {
      const state = parseVoiceState(raw, guild.id);
      if (state.ok) states.push(state.state);
      else reportMalformed(context, 'GUILD_CREATE', state.problems.map((p) => `voice_states: ${p}`));
    }
    if (guild.large && context.client.options.intents.has(GatewayIntentBits.GuildMembers)) {
      context.client.guilds.cache.get(guild.id)?.shard.send({ op: GatewayOpcodes.RequestGuildMembers, d: { guild_id: guild.id, query: '', limit: 0 } });
    }
    const presences: PresenceState[] = [];
    if (context.presence) {
      for (const raw of guild.presences) {
        const presence = parsePresence(raw, guild.id);
        if (presence.ok) presences.push(presence.state);
        else reportMalformed(context, 'GUILD_CREATE', presence.problems.map((p) => `presences: ${p}`));
      }
    }
    // Queued before anything is awaited, so voice and presence updates after this GUILD_CREATE
    // apply after it.
    const reconciled = context.voice.reconcile(guild.id, states, guild.afk_channel_id ?? null);
    const presenceReconciled = context.presence?.reconcile(guild.id, presences);
    await context.directory.saveGuild(named.record);
    await reconciled;
    await presenceReconciled;
  },
};
