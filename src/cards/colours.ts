// Colours of a card: the guild's accent (settings.accent_color) and a stable colour per member for
// avatars drawn from initials.

/** Discord's blurple: the accent of guilds that did not choose one. */
export const DEFAULT_ACCENT = '#5865f2';

/** A '#rrggbb' accent as given, or the default for anything else (null, 'red', '#fff', hostile strings). */
export function accentColour(value: unknown): string {
  return typeof value === 'string' && /^#[0-9a-fA-F]{6}$/.test(value) ? value.toLowerCase() : DEFAULT_ACCENT;
}

/** The same muted colour for the same id, so a member's initials look the same everywhere. */
export function colourForId(id: string): string {
  // FNV-1a over the id's characters: cheap, stable, and spreads neighbouring snowflakes apart.
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
  const hue = (hash >>> 0) % 360;
  return `hsl(${hue}, 45%, 42%)`;
}
