// The card's typeface: Inter (SIL OFL 1.1, fonts/OFL.txt), bundled so a card looks the same on any
// machine, including slim Docker images without system fonts. Taken from @fontsource/inter 5.3.0:
// Latin, Latin Extended, Cyrillic and Greek, regular and bold. Emoji (in names, currency symbols such
// as ⭐ and 🪙, milestone icons) come in colour from Noto Color Emoji (OFL, the npm package
// @fontsource/noto-color-emoji, read from node_modules). Other scripts (CJK…) fall back to whatever
// fonts the system has.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCanvas, GlobalFonts } from '@napi-rs/canvas';

const SUBSETS = ['latin', 'latin-ext', 'cyrillic', 'greek'] as const;
const FAMILY = 'Cairn Inter';
const EMOJI = 'Cairn Emoji';

let registered = false;

/** Registers the bundled fonts once per process (idempotent). */
export function registerCardFonts(): void {
  if (registered) return;
  registered = true;
  for (const subset of SUBSETS) {
    for (const weight of [400, 700]) {
      const file = fileURLToPath(new URL(`./fonts/inter-${subset}-${weight}-normal.woff2`, import.meta.url));
      // One family per subset: Skia falls back along the list of families glyph by glyph.
      GlobalFonts.registerFromPath(file, `${FAMILY} ${subset}`);
    }
  }
}

// The emoji font is one 5.8 MB file (its unicode-range subsets do not draw on their own): it is
// registered the first time a card holds a character outside Latin punctuation, which costs about a
// second once per process (half a second more for the first glyph), not at every start.
const EMOJI_FILE = join(dirname(createRequire(import.meta.url).resolve('@fontsource/noto-color-emoji/package.json')), 'files', 'noto-color-emoji-emoji-400-normal.woff2');
let emojiRegistered = false;

/** Registers the emoji font when `text` may need it, before the card draws it. */
export function ensureEmojiGlyphs(text: string): void {
  if (emojiRegistered || !/[\u{2000}-\u{10FFFF}]/u.test(text)) return;
  emojiRegistered = true;
  GlobalFonts.registerFromPath(EMOJI_FILE, EMOJI);
}

/** A CSS font shorthand for the card: the bundled subsets first, then the system's fonts. */
export function cardFont(px: number, weight: 'normal' | 'bold' = 'normal'): string {
  const families = SUBSETS.map((s) => `"${FAMILY} ${s}"`).join(', ');
  return `${weight === 'bold' ? 'bold ' : ''}${px}px ${families}, "${EMOJI}", sans-serif`;
}

/**
 * Loads the card fonts and draws one emoji, synchronously (about 1.5 s): called once at start,
 * before the server listens, so no request or gateway heartbeat waits behind it later.
 */
export function warmCardFonts(): void {
  registerCardFonts();
  ensureEmojiGlyphs('⭐');
  const ctx = createCanvas(8, 8).getContext('2d');
  ctx.font = cardFont(8);
  ctx.fillText('⭐', 0, 8);
}
