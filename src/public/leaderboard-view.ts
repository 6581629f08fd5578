// The public leaderboard page as HTML: no script, one inline stylesheet, readable at 375 px wide.
// Members who opted out are "Hidden member": no name, avatar or id of theirs reaches the page.
import type { Leaderboard, LeaderboardEntry, LeaderboardPeriod } from '../ledger/leaderboard.ts';
import { avatarHue, initials } from './avatar-colour.ts';
import { html, type Markup } from './html.ts';

export interface PublicBoardView {
  guild: { id: string; name: string; iconUrl: string | null };
  accent: string;
  currencies: { key: string; name: string; symbol: string }[];
  board: Leaderboard;
  page: number;
  pages: number;
}

const PERIODS: { key: LeaderboardPeriod; label: (b: Leaderboard) => string }[] = [
  { key: 'all', label: () => 'All time' },
  { key: 'season', label: (b) => (b.period === 'season' && b.season ? b.season.name : 'This season') },
  { key: 'week', label: () => 'Last 7 days' },
];

const num = (n: number) => n.toLocaleString('en-US');
/** Only https images (Discord's CDN); anything else draws initials. */
const safeImage = (url: string | null) => (url && /^https:\/\/[^\s"'<>]+$/.test(url) ? url : null);

export const publicPath = (guildId: string) => `/p/${guildId}/leaderboard`;

function link(view: PublicBoardView, change: { currency?: string; period?: LeaderboardPeriod; page?: number }): string {
  const params = new URLSearchParams({ currency: change.currency ?? view.board.currency, period: change.period ?? view.board.period });
  const page = change.page ?? 1;
  if (page > 1) params.set('page', String(page));
  return `${publicPath(view.guild.id)}?${params.toString()}`;
}

function avatar(entry: LeaderboardEntry, hidden: boolean): Markup {
  if (hidden) return html`<span class="av hidden" aria-hidden="true">?</span>`;
  const image = safeImage(entry.avatarUrl);
  if (image) return html`<img class="av" src="${image}" alt="" width="40" height="40" loading="lazy" referrerpolicy="no-referrer">`;
  return html`<span class="av" style="background:hsl(${avatarHue(entry.userId)} 45% 42%)" aria-hidden="true">${initials(entry.displayName)}</span>`;
}

function row(entry: LeaderboardEntry, symbol: string): Markup {
  const hidden = entry.publicOptOut;
  const name = hidden ? 'Hidden member' : (entry.displayName ?? 'Unknown member');
  const level = entry.level;
  return html`<li class="row${hidden ? ' is-hidden' : ''}">
<span class="rank">${entry.rank}</span>${avatar(entry, hidden)}
<span class="who"><span class="name">${name}</span>${!hidden && entry.left ? html` <span class="tag">left</span>` : ''}
${level ? html`<span class="lvl">Level ${level.level}</span><span class="bar" role="progressbar" aria-label="Progress to level ${level.level + 1}" aria-valuemin="0" aria-valuemax="100" aria-valuenow="${Math.round(level.progress * 100)}"><span style="width:${(level.progress * 100).toFixed(1)}%"></span></span>` : ''}</span>
<span class="val">${num(entry.value)}${symbol ? html` <span class="sym">${symbol}</span>` : ''}</span>
</li>`;
}

function pager(view: PublicBoardView): Markup {
  if (view.pages <= 1) return html``;
  const { page, pages } = view;
  const to = (n: number, label: string, rel?: string) => html`<a href="${link(view, { page: n })}"${rel ? html` rel="${rel}"` : ''}>${label}</a>`;
  return html`<nav class="pager" aria-label="Pages">
${page > 1 ? [to(1, '« First'), to(page - 1, '‹ Previous', 'prev')] : ''}
<span>Page ${num(page)} of ${num(pages)}</span>
${page < pages ? [to(page + 1, 'Next ›', 'next'), to(pages, 'Last »')] : ''}
</nav>`;
}

export function renderLeaderboardPage(view: PublicBoardView): string {
  const { board, guild } = view;
  const icon = safeImage(guild.iconUrl);
  const current = view.currencies.find((c) => c.key === board.currency)!;
  const title = `${guild.name} — ${current.name} leaderboard`;
  const tab = (href: string, label: string, active: boolean) => html`<a href="${href}"${active ? html` aria-current="page" class="on"` : ''}>${label}</a>`;
  return `<!doctype html>${html`<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${STYLE}:root{--accent:${view.accent}}</style>
</head><body>
<header>${icon ? html`<img class="icon" src="${icon}" alt="" width="48" height="48" referrerpolicy="no-referrer">` : html`<span class="icon" style="background:hsl(${avatarHue(guild.id)} 45% 42%)" aria-hidden="true">${initials(guild.name)}</span>`}
<div><h1>${guild.name}</h1><p>Leaderboard</p></div></header>
<main>
${view.currencies.length > 1 ? html`<nav class="tabs" aria-label="Currencies">${view.currencies.map((c) => tab(link(view, { currency: c.key, period: board.period }), `${c.symbol ? `${c.symbol} ` : ''}${c.name}`, c.key === board.currency))}</nav>` : ''}
<nav class="tabs periods" aria-label="Period">${PERIODS.map((p) => tab(link(view, { period: p.key }), p.label(board), p.key === board.period))}</nav>
<p class="count">${num(board.total)} member${board.total === 1 ? '' : 's'} ranked by ${current.name}${board.period === 'week' ? ' earned in the last 7 days' : board.measure === 'season_earned' ? ' earned this season' : ''}</p>
${board.entries.length === 0 ? html`<p class="empty">Nobody on this leaderboard yet.</p>` : html`<ol class="board">${board.entries.map((e) => row(e, current.symbol))}</ol>`}
${pager(view)}
</main>
<footer>Powered by Cairn</footer>
</body></html>`.text}`;
}

export function renderNotFound(): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Not found</title><style>${STYLE}</style></head><body><main><h1>Not found</h1><p class="empty">This leaderboard does not exist or is not public.</p></main></body></html>`;
}

const STYLE = `
*{box-sizing:border-box}
:root{--accent:#5865f2;color-scheme:light dark}
body{margin:0;font:16px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f4f5f7;color:#1e1f22}
@media (prefers-color-scheme:dark){body{background:#1e1f22;color:#e3e5e8}.row,header{background:#2b2d31!important}.tabs a{background:#2b2d31!important;color:#e3e5e8!important}.bar{background:#404249!important}}
header{display:flex;gap:12px;align-items:center;padding:16px;background:#fff;border-bottom:3px solid var(--accent)}
header h1{margin:0;font-size:1.25rem;overflow-wrap:anywhere}header p{margin:0;opacity:.7;font-size:.9rem}
.icon{width:48px;height:48px;border-radius:50%;flex:none;display:grid;place-items:center;color:#fff;font-weight:700}
main{max-width:760px;margin:0 auto;padding:12px}
.tabs{display:flex;flex-wrap:wrap;gap:6px;margin:8px 0}
.tabs a{padding:6px 12px;border-radius:999px;background:#fff;color:#1e1f22;text-decoration:none;font-size:.9rem;max-width:100%;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.tabs a.on{background:var(--accent)!important;color:#fff!important}
.count{font-size:.85rem;opacity:.75;margin:8px 2px}
.board{list-style:none;margin:0;padding:0;display:grid;gap:6px}
.row{display:grid;grid-template-columns:2.2rem 40px minmax(0,1fr) auto;gap:10px;align-items:center;padding:8px 10px;background:#fff;border-radius:10px}
.rank{font-weight:700;text-align:right;font-variant-numeric:tabular-nums}
.av{width:40px;height:40px;border-radius:50%;display:grid;place-items:center;color:#fff;font-weight:700;font-size:.9rem;object-fit:cover}
.av.hidden{background:#80848e}
.who{min-width:0;display:flex;flex-wrap:wrap;align-items:baseline;column-gap:6px}
.name{font-weight:600;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;max-width:100%}
.is-hidden .name{font-style:italic;opacity:.7}
.tag{font-size:.7rem;padding:0 6px;border-radius:6px;background:#80848e;color:#fff}
.lvl{font-size:.8rem;opacity:.75}
.bar{flex-basis:100%;height:6px;border-radius:3px;background:#e3e5e8;overflow:hidden;margin-top:4px}
.bar span{display:block;height:100%;background:var(--accent)}
.val{font-weight:600;font-variant-numeric:tabular-nums;white-space:nowrap}.sym{opacity:.8}
.pager{display:flex;flex-wrap:wrap;gap:8px 14px;justify-content:center;align-items:center;margin:16px 0;font-size:.9rem}
.pager a{color:var(--accent)}
.empty{text-align:center;opacity:.7;padding:24px 0}
footer{text-align:center;font-size:.75rem;opacity:.6;padding:16px}
`;
