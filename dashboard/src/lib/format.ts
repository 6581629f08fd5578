// Number, date and id formatting shared by the pages.
const numberFormat = new Intl.NumberFormat('en');

export const num = (n: number | null | undefined) => (n === null || n === undefined ? '—' : numberFormat.format(n));
export const signed = (n: number) => (n > 0 ? `+${numberFormat.format(n)}` : numberFormat.format(n));
export const dateTime = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' }) : '—');
export const day = (iso: string) => new Date(iso).toLocaleDateString('en-GB', { day: 'numeric', month: 'short' });
export const json = (v: unknown) => JSON.stringify(v);
/** A member's display name, or their id. */
export const who = (name: string | null | undefined, id: string) => name || id;

/** A file-name-safe form of a name: "Café Crème!" → "cafe-creme" (empty when nothing is left). */
export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
}

/** The export of a guild's configuration: "<guild-name>-<yyyy-mm-dd>.json", named after the guild. */
export function exportFileName(guildName: string | null | undefined, at: Date = new Date()): string {
  return `${slugify(guildName ?? '') || 'cairn-server'}-${at.toISOString().slice(0, 10)}.json`;
}
