// The card's typeface: Inter (SIL OFL 1.1, fonts/OFL.txt), bundled so a card looks the same on any
// machine, including slim Docker images without system fonts. Taken from @fontsource/inter 5.3.0:
// Latin, Latin Extended, Cyrillic and Greek, regular and bold. Scripts and emoji outside these fall
// back to whatever fonts the system has.
import { fileURLToPath } from 'node:url';
import { GlobalFonts } from '@napi-rs/canvas';

const SUBSETS = ['latin', 'latin-ext', 'cyrillic', 'greek'] as const;
const FAMILY = 'Cairn Inter';

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

/** A CSS font shorthand for the card: the bundled subsets first, then the system's fonts. */
export function cardFont(px: number, weight: 'normal' | 'bold' = 'normal'): string {
  const families = SUBSETS.map((s) => `"${FAMILY} ${s}"`).join(', ');
  return `${weight === 'bold' ? 'bold ' : ''}${px}px ${families}, sans-serif`;
}
