// Number, date and id formatting shared by the pages.
const numberFormat = new Intl.NumberFormat('en');

export const num = (n: number | null | undefined) => (n === null || n === undefined ? '—' : numberFormat.format(n));
export const signed = (n: number) => (n > 0 ? `+${numberFormat.format(n)}` : numberFormat.format(n));
export const dateTime = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' }) : '—');
export const day = (iso: string) => new Date(iso).toLocaleDateString('en-GB', { day: 'numeric', month: 'short' });
export const json = (v: unknown) => JSON.stringify(v);
/** A member's display name, or their id. */
export const who = (name: string | null | undefined, id: string) => name || id;
