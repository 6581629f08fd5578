// Member-typed ticket text (subjects, names, reasons): control characters (NUL included, which
// Postgres text cannot hold) are removed and whitespace collapsed; too long is refused, not cut.
export const MAX_SUBJECT = 200;
export const MAX_NAME = 90;
export const MAX_REASON = 500;

export type CleanText = { ok: true; value: string } | { ok: false; message: string };

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

export function cleanText(raw: string, what: string, max: number, options: { multiline?: boolean } = {}): CleanText {
  let value = raw.replace(CONTROL, '');
  value = options.multiline ? value.replace(/[ \t]+/g, ' ').replace(/\n{3,}/g, '\n\n') : value.replace(/\s+/g, ' ');
  value = value.trim();
  if (!value) return { ok: false, message: `The ${what} is empty: write a few words.` };
  if ([...value].length > max) return { ok: false, message: `The ${what} is too long: at most ${max} characters (it has ${[...value].length}).` };
  return { ok: true, value };
}

/** A channel or thread name for a ticket: "#12 subject", at most 100 characters as Discord allows. */
export function ticketChannelName(number: number, subject: string, mode: 'thread' | 'channel'): string {
  const prefix = mode === 'channel' ? `ticket-${number}` : `#${number}`;
  const rest = mode === 'channel' ? subject.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') : subject;
  return [...`${prefix} ${rest}`.trim()].slice(0, 100).join('').replace(/ /g, mode === 'channel' ? '-' : ' ');
}
