// Calendar arithmetic in a guild's time zone (IANA), with daylight-saving changes handled by asking
// Intl for the zone's offset at each instant.
const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

/** The zone's UTC offset at an instant, in minutes (e.g. +60 for Paris in winter). */
export function offsetMinutes(instantMs: number, timeZone: string): number {
  if (timeZone === 'UTC') return 0;
  let f = offsetFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset', year: 'numeric' });
    offsetFormatters.set(timeZone, f);
  }
  const name = f.formatToParts(new Date(instantMs)).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = name.match(/GMT([+-])(\d{2}):?(\d{2})?/);
  if (!m) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0));
}

/** The instant of local midnight starting a local day (YYYY-MM-DD) in a zone. */
export function localMidnight(day: string, timeZone: string): number {
  const naive = Date.parse(`${day}T00:00:00.000Z`);
  let guess = naive - offsetMinutes(naive, timeZone) * 60_000;
  guess = naive - offsetMinutes(guess, timeZone) * 60_000; // settle across an offset change
  return guess;
}

/** The first local midnight strictly after an instant. */
export function nextLocalMidnight(instantMs: number, timeZone: string): number {
  const local = new Date(instantMs + offsetMinutes(instantMs, timeZone) * 60_000).toISOString().slice(0, 10);
  const next = new Date(Date.parse(`${local}T00:00:00.000Z`) + 86_400_000).toISOString().slice(0, 10);
  return localMidnight(next, timeZone);
}

/** Monday of a local day's ISO week (both YYYY-MM-DD). */
export function weekOf(day: string): string {
  const d = new Date(`${day}T00:00:00.000Z`);
  return new Date(d.getTime() - ((d.getUTCDay() + 6) % 7) * 86_400_000).toISOString().slice(0, 10);
}

/** The first day of a local day's month. */
export const monthOf = (day: string): string => `${day.slice(0, 7)}-01`;
