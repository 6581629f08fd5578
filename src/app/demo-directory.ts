// The demo guild's directory: a small miniature-painting community with names, roles, channels and
// join dates, so the panel's first look shows people rather than snowflakes. Avatars are null: the
// panel and the rank cards draw initials.
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { guildChannels, guildRoles, guilds, members } from '../db/schema.ts';

/** The demo guild's id (re-exported by demo.ts). */
export const DEMO_GUILD_ID = '1000000000000000001';
const G = DEMO_GUILD_ID;
const DAY = 86_400_000;

/** Role ids; @everyone's id is the guild's, as on Discord. */
export const DEMO_ROLES = {
  everyone: G,
  moderator: '1000000000000000201',
  events: '1000000000000000202',
  regular: '1000000000000000203',
  newcomer: '1000000000000000204',
  bot: '1000000000000000205',
} as const;

const ROLES = [
  { roleId: DEMO_ROLES.everyone, name: '@everyone', color: 0, position: 0, managed: false },
  { roleId: DEMO_ROLES.newcomer, name: 'Newcomer', color: 0x95a5a6, position: 1, managed: false },
  { roleId: DEMO_ROLES.regular, name: 'Regular', color: 0x2ecc71, position: 2, managed: false },
  { roleId: DEMO_ROLES.events, name: 'Events', color: 0xe67e22, position: 3, managed: false },
  { roleId: DEMO_ROLES.moderator, name: 'Moderator', color: 0x3498db, position: 4, managed: false },
  { roleId: DEMO_ROLES.bot, name: 'Cairn', color: 0x9b59b6, position: 5, managed: true },
];

/** Discord's channel type numbers. */
const TEXT = 0, VOICE = 2, CATEGORY = 4, ANNOUNCEMENT = 5;

/** The demo activity's channels: #general, #help, #showcase, and the voice lounge. */
export const DEMO_CHANNELS = { general: '1000000000000000101', help: '1000000000000000102', showcase: '1000000000000000103', lounge: '1000000000000000106' } as const;

const CHANNELS = [
  { channelId: '1000000000000000110', name: 'Info', type: CATEGORY, parentId: null, position: 0 },
  { channelId: '1000000000000000104', name: 'announcements', type: ANNOUNCEMENT, parentId: '1000000000000000110', position: 0 },
  { channelId: '1000000000000000111', name: 'Community', type: CATEGORY, parentId: null, position: 1 },
  { channelId: DEMO_CHANNELS.general, name: 'general', type: TEXT, parentId: '1000000000000000111', position: 0 },
  { channelId: DEMO_CHANNELS.help, name: 'help', type: TEXT, parentId: '1000000000000000111', position: 1 },
  { channelId: DEMO_CHANNELS.showcase, name: 'showcase', type: TEXT, parentId: '1000000000000000111', position: 2 },
  { channelId: '1000000000000000105', name: 'off-topic', type: TEXT, parentId: '1000000000000000111', position: 3 },
  { channelId: '1000000000000000112', name: 'Voice', type: CATEGORY, parentId: null, position: 2 },
  { channelId: DEMO_CHANNELS.lounge, name: 'Lounge', type: VOICE, parentId: '1000000000000000112', position: 0 },
  { channelId: '1000000000000000107', name: 'Paint & Chat', type: VOICE, parentId: '1000000000000000112', position: 1 },
];

const { moderator: MOD, events: EVT, regular: REG, newcomer: NEW, bot: BOT } = DEMO_ROLES;

/** The twelve members of the demo activity (…1000 to …1011, busiest first) and the bot (…1012). */
const MEMBERS: { name: string; username: string; roles: string[]; joinedDaysAgo: number; leftDaysAgo?: number; isBot?: boolean }[] = [
  { name: 'Maya Lindqvist', username: 'maya.paints', roles: [MOD, REG], joinedDaysAgo: 412 },
  { name: 'Tomás Ferreira', username: 'tomasf', roles: [MOD, EVT, REG], joinedDaysAgo: 389 },
  { name: 'pixelfox', username: 'pixelfox', roles: [REG], joinedDaysAgo: 301 },
  { name: 'Juniper ✨', username: 'juniper.builds', roles: [EVT, REG], joinedDaysAgo: 255 },
  { name: 'Dev Okafor', username: 'devokafor', roles: [REG], joinedDaysAgo: 198 },
  { name: 'Hana Sato', username: 'hana_s', roles: [EVT, REG], joinedDaysAgo: 163 },
  { name: 'grumpy_wizard', username: 'grumpy_wizard', roles: [REG], joinedDaysAgo: 120 },
  { name: 'Léa Dubois', username: 'lea.dbs', roles: [NEW], joinedDaysAgo: 64 },
  { name: 'Sam', username: 'samwise.g', roles: [NEW], joinedDaysAgo: 37 },
  { name: 'Rin 🌙', username: 'rinmoon', roles: [NEW], joinedDaysAgo: 19 },
  { name: 'Oskar Nowak', username: 'oskar.n', roles: [REG], joinedDaysAgo: 142 },
  { name: 'Ben Carter', username: 'bencarter', roles: [NEW], joinedDaysAgo: 58, leftDaysAgo: 1 },
  { name: 'Cairn', username: 'cairn', roles: [BOT], joinedDaysAgo: 412, isBot: true },
];

export const DEMO_MEMBER_IDS = MEMBERS.map((_, i) => String(1000000000000001000n + BigInt(i)));

/**
 * Fills the demo guild's members, roles and channels. Idempotent: rows already there keep what
 * they have (a name the gateway gave stays), so it also names an older demo database.
 */
export async function seedDemoDirectory(db: Db, now: Date): Promise<void> {
  const ago = (days: number) => new Date(now.getTime() - days * DAY);
  await db.transaction(async (tx) => {
    await tx.insert(guildRoles).values(ROLES.map((r) => ({ guildId: G, ...r }))).onConflictDoNothing();
    await tx.insert(guildChannels).values(CHANNELS.map((c) => ({ guildId: G, ...c }))).onConflictDoNothing();
    await tx
      .insert(members)
      .values(MEMBERS.map((m, i) => ({
        guildId: G, userId: DEMO_MEMBER_IDS[i]!, displayName: m.name, username: m.username, avatarUrl: null, roles: m.roles,
        isBot: m.isBot ?? false, joinedAt: ago(m.joinedDaysAgo), leftAt: m.leftDaysAgo === undefined ? null : ago(m.leftDaysAgo),
      })))
      .onConflictDoUpdate({
        target: [members.guildId, members.userId],
        set: {
          displayName: sql`COALESCE(${members.displayName}, excluded.display_name)`,
          username: sql`COALESCE(${members.username}, excluded.username)`,
          roles: sql`CASE WHEN cardinality(${members.roles}) = 0 THEN excluded.roles ELSE ${members.roles} END`,
          isBot: sql`${members.isBot} OR excluded.is_bot`,
          joinedAt: sql`COALESCE(${members.joinedAt}, excluded.joined_at)`,
          leftAt: sql`COALESCE(${members.leftAt}, excluded.left_at)`,
        },
      });
  });
}

/** Names an older demo guild (created before the directory existed); a no-op once it has roles. */
export async function fillDemoDirectory(db: Db, now: Date): Promise<boolean> {
  const [demo] = await db.select({ id: guilds.id }).from(guilds).where(and(eq(guilds.id, G), eq(guilds.isDemo, true)));
  if (!demo) return false;
  const [role] = await db.select({ id: guildRoles.roleId }).from(guildRoles).where(eq(guildRoles.guildId, G)).limit(1);
  if (role) return false;
  await seedDemoDirectory(db, now);
  return true;
}
