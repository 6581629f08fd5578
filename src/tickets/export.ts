// A ticket's transcript as a file an admin downloads: a self-contained HTML page (every value
// escaped, no script, links only to http(s) attachments) or a JSON document. Pure functions: the
// caller loads the ticket, its messages and the names of the people in it.
import type { TicketView, TranscriptMessage } from './queries.ts';

export interface TranscriptExport {
  guild: { id: string; name: string; timeZone: string };
  ticket: TicketView;
  /** Category label from the guild's settings, when it has one. */
  categoryLabel: string | null;
  messages: TranscriptMessage[];
  /** Display names of the people in the ticket (unknown ids are left out). */
  names: Record<string, string>;
  exportedAt: Date;
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
// NUL and the other controls (tab, line feed and carriage return aside), and unpaired surrogates,
// are not text: each becomes U+FFFD, as a browser would show it.
const NOT_TEXT = /(?![\t\n\r])\p{Cc}|\p{Cs}/gu;

/** Text safe in HTML content and in quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(NOT_TEXT, '\uFFFD').replace(/[&<>"']/g, (ch) => ENTITIES[ch]!);
}

/** `ticket-12-my-server.html`: the guild's name in lower-case ASCII words (its id when none is left). */
export function transcriptFilename(number: number, guild: { id: string; name: string }, extension: 'html' | 'json'): string {
  const slug = guild.name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return `ticket-${number}-${slug || guild.id}.${extension}`;
}

const isWebLink = (url: string) => {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
};

function bytes(size: number): string {
  if (!Number.isFinite(size) || size < 0) return '';
  if (size < 1024) return `${size} B`;
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(1)} KB`;
  return `${(size / 1024 / 1024).toFixed(1)} MB`;
}

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:52rem;padding:0 1rem;color:#1f2328}
header{border-bottom:1px solid #d0d7de;margin-bottom:1rem}dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dt{color:#59636e}dd{margin:0}
ol{list-style:none;padding:0}li.message{border-bottom:1px solid #eaeef2;padding:.6rem 0}.meta{color:#59636e;font-size:.85rem}.author{color:#1f2328;font-weight:600}
.content{white-space:pre-wrap;overflow-wrap:anywhere}.deleted .content{text-decoration:line-through;color:#59636e}footer{color:#59636e;font-size:.8rem;margin-top:2rem}`;

/** The transcript as one HTML page that runs nothing (no script; the API also sends a CSP). */
export function transcriptHtml(x: TranscriptExport): string {
  const time = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: x.guild.timeZone });
  const when = (iso: string) => `<time datetime="${escapeHtml(iso)}">${escapeHtml(time.format(new Date(iso)))}</time>`;
  const who = (id: string | null) => (id === null ? '—' : `<span title="${escapeHtml(id)}">${escapeHtml(x.names[id] ?? `user ${id}`)}</span>`);
  const t = x.ticket;
  const facts: [string, string][] = [
    ['Status', escapeHtml(t.status)],
    ['Category', escapeHtml(x.categoryLabel ?? t.category)],
    ['Opened by', who(t.openerId)],
    ['Opened', when(t.openedAt)],
    ...(t.claimedBy ? ([['Claimed by', who(t.claimedBy)]] as [string, string][]) : []),
    ...(t.closedAt ? ([['Closed', `${when(t.closedAt)}${t.closedBy ? ` by ${who(t.closedBy)}` : ''}`]] as [string, string][]) : []),
    ...(t.closeReason ? ([['Reason', escapeHtml(t.closeReason)]] as [string, string][]) : []),
  ];
  const messages = x.messages.map((m) => {
    const notes = [m.editedAt ? ` · edited ${when(m.editedAt)}` : '', m.deletedAt ? ` · deleted ${when(m.deletedAt)}` : ''].join('');
    const files = m.attachments.map((a) => {
      const label = `${escapeHtml(a.name)}${bytes(a.size) ? ` (${bytes(a.size)})` : ''}`;
      return `<li>${isWebLink(a.url) ? `<a href="${escapeHtml(a.url)}" rel="noopener noreferrer nofollow">${label}</a>` : label}</li>`;
    });
    return `<li class="message${m.deletedAt ? ' deleted' : ''}" id="m${escapeHtml(m.messageId)}"><div class="meta"><span class="author">${who(m.authorId)}</span> · ${when(m.sentAt)}${notes}</div>`
      + `<div class="content">${escapeHtml(m.content)}</div>${files.length > 0 ? `<ul class="attachments">${files.join('')}</ul>` : ''}</li>`;
  });
  const title = `Ticket #${t.number}: ${t.subject}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)} · ${escapeHtml(x.guild.name)}</title><style>${STYLE}</style></head>
<body><header><h1>${escapeHtml(title)}</h1><p>${escapeHtml(x.guild.name)}</p><dl>${facts.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl></header>
<ol class="messages">${messages.join('\n')}</ol>
<footer>${x.messages.length} message${x.messages.length === 1 ? '' : 's'} · exported by Cairn ${when(x.exportedAt.toISOString())} (times in ${escapeHtml(x.guild.timeZone)})</footer></body></html>
`;
}

/** The transcript as data: the ticket, the people's names and every kept message. */
export function transcriptJson(x: TranscriptExport) {
  return {
    format: 'cairn.ticket-transcript' as const,
    version: 1 as const,
    exportedAt: x.exportedAt.toISOString(),
    guild: x.guild,
    ticket: { ...x.ticket, categoryLabel: x.categoryLabel },
    names: x.names,
    messages: x.messages,
  };
}
