// Discord CDN addresses for avatars and icons, built from the hashes the gateway sends (what
// discord.js's displayAvatarURL builds). Static PNGs, which browsers and the card renderer both read.
// A hash that is not a plain token is ignored rather than spliced into a URL.
const CDN = 'https://cdn.discordapp.com';
const HASH = /^(a_)?[0-9A-Za-z]{1,64}$/;
const SIZE = 256;

const image = (path: string, hash: unknown): string | null => (typeof hash === 'string' && HASH.test(hash) ? `${CDN}/${path}/${hash}.png?size=${SIZE}` : null);

/** The account's own avatar. */
export const userAvatarUrl = (userId: string, hash: unknown): string | null => image(`avatars/${userId}`, hash);

/** The avatar a member set for this guild only (it wins over the account's). */
export const memberAvatarUrl = (guildId: string, userId: string, hash: unknown): string | null => image(`guilds/${guildId}/users/${userId}/avatars`, hash);

export const guildIconUrl = (guildId: string, hash: unknown): string | null => image(`icons/${guildId}`, hash);
