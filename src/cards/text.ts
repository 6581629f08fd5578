// Text on a card: names come from Discord and may hold anything (NUL, bidi overrides, 10,000
// characters, emoji sequences), so they are cleaned, cut by grapheme and fitted to a width.
import type { SKRSContext2D } from '@napi-rs/canvas';

/** More graphemes than ever fit on a card line: cutting first keeps measuring cheap. */
const MAX_GRAPHEMES = 120;
const ELLIPSIS = '…';
const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });

// Controls (C0, DEL, C1), bidi embeddings/overrides/isolates and marks, zero-width spaces and joiners
// other than ZWJ (kept: emoji sequences need it), line and paragraph separators, BOM.
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u200b\u200c\u200e\u200f\u202a-\u202e\u2028\u2029\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]/g;

/** Half of a surrogate pair (a cut string, or a hostile one): not text, drawn as the replacement character. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function graphemes(text: string): string[] {
  return Array.from(segmenter.segment(text), (s) => s.segment);
}

/** A name as printable, single-line text of at most MAX_GRAPHEMES graphemes (ellipsis if cut); '' if nothing is left. */
export function cleanText(raw: string | null | undefined): string {
  if (!raw) return '';
  // A 10k-character name never needs more than its start: cut before the regexes and the segmenter.
  const start = raw.length > MAX_GRAPHEMES * 8 ? raw.slice(0, MAX_GRAPHEMES * 8) : raw;
  const text = start.replace(LONE_SURROGATE, '\ufffd').replace(INVISIBLE, ' ').replace(/\s+/g, ' ').trim();
  const parts = graphemes(text);
  return parts.length > MAX_GRAPHEMES || start.length < raw.length ? parts.slice(0, MAX_GRAPHEMES).join('').trimEnd() + ELLIPSIS : text;
}

/** `text` as drawn in the context's current font within `maxWidth` pixels, cut by grapheme with an ellipsis. */
export function fitText(ctx: SKRSContext2D, text: string, maxWidth: number): string {
  if (ctx.measureText(text).width <= maxWidth) return text;
  const parts = graphemes(text.endsWith(ELLIPSIS) ? text.slice(0, -1) : text);
  let low = 0;
  let high = parts.length;
  // The longest prefix that fits with the ellipsis.
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (ctx.measureText(parts.slice(0, mid).join('').trimEnd() + ELLIPSIS).width <= maxWidth) low = mid;
    else high = mid - 1;
  }
  return low === 0 ? ELLIPSIS : parts.slice(0, low).join('').trimEnd() + ELLIPSIS;
}

/** Up to two letters for an avatar without an image: the first letter or digit of the first two words. */
export function initials(name: string): string {
  const words = name.split(' ').filter((w) => /[\p{L}\p{N}]/u.test(w));
  const first = (word: string) => (word.match(/[\p{L}\p{N}]/u)?.[0] ?? '').toLocaleUpperCase('en');
  const letters = words.slice(0, 2).map(first).join('');
  return letters || '?';
}

/** 1,234 below a hundred thousand, then 123.4K, 12.3M …: numbers stay short on a card. */
export function shortNumber(n: number): string {
  if (!Number.isFinite(n)) return '—';
  if (Math.abs(n) < 100_000) return Math.trunc(n).toLocaleString('en-US');
  return new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 }).format(n);
}
