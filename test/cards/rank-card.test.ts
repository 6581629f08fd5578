// The pure renderer: a valid 934×282 PNG whatever the names and numbers hold, the guild's accent,
// initials on a colour of the member's own, and names cleaned and cut with an ellipsis.
import { randomFillSync } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { describe, expect, it } from 'vitest';
import { accentColour, colourForId, DEFAULT_ACCENT } from '../../src/cards/colours.ts';
import { cardFont, registerCardFonts } from '../../src/cards/fonts.ts';
import { CARD_HEIGHT, CARD_WIDTH, drawRankCard, encodePng, progressOf, renderRankCard } from '../../src/cards/rank-card.ts';
import { cleanText, fitText, initials, shortNumber } from '../../src/cards/text.ts';
import { AVATAR_CENTRE, cardData, pixelAt, pngSize, solidImage } from './support.ts';

const HOSTILE_NAMES = {
  empty: '',
  'NUL bytes': 'Ada\u0000\u0000Lovelace\u0000',
  '10,000 characters': 'W'.repeat(10_000),
  emoji: '👩🏽‍💻🔥🏳️‍🌈'.repeat(500),
  CJK: '漢字かなカナ한국어'.repeat(1_000),
  'bidi overrides': '\u202eevil\u202c\u2066name\u2069',
  'lone surrogates': '\ud800abc\udfff',
  'only invisible': '\u200b\u200e\u2060\ufeff',
  newlines: 'line\none\r\ntwo\u2028three',
};

describe('renderRankCard', () => {
  it('draws a PNG of 934×282 for an ordinary member', () => {
    expect(pngSize(renderRankCard(cardData()))).toEqual({ width: CARD_WIDTH, height: CARD_HEIGHT });
    expect([CARD_WIDTH, CARD_HEIGHT]).toEqual([934, 282]);
  });

  for (const [what, name] of Object.entries(HOSTILE_NAMES)) {
    it(`draws a PNG of the same size for a name with ${what}`, () => {
      const png = renderRankCard(cardData({ displayName: name, username: name, milestone: { icon: name, name }, balances: [{ name, symbol: name, amount: 1 }] }));
      expect(pngSize(png)).toEqual({ width: 934, height: 282 });
    });
  }

  it('draws extreme numbers (2^53, negative, NaN, infinite) without failing', () => {
    const huge = 2 ** 53;
    const png = renderRankCard(
      cardData({
        level: { level: huge, held: Number.NaN, startsAt: -huge, nextAt: Number.POSITIVE_INFINITY, unit: 'XP' },
        rank: { position: huge, currency: 'XP' },
        balances: [{ name: 'a', symbol: '', amount: -huge }, { name: 'b', symbol: '', amount: Number.NaN }, { name: 'c', symbol: '', amount: huge }],
      }),
    );
    expect(pngSize(png)).toEqual({ width: 934, height: 282 });
  });

  it('draws a member with nothing: no level, no rank, no balances, no milestone, left the server', () => {
    const png = renderRankCard(cardData({ level: null, rank: null, balances: [], milestone: null, username: null, left: true }));
    expect(pngSize(png)).toEqual({ width: 934, height: 282 });
  });

  it('paints the accent band and avatar ring in the guild colour, and the default for a bad colour', async () => {
    expect(await pixelAt(renderRankCard(cardData({ accentColor: '#ff0000' })), 16, 141)).toEqual([255, 0, 0]);
    const [r, g, b] = await pixelAt(renderRankCard(cardData({ accentColor: 'red; drop table' })), 16, 141);
    expect(`#${[r, g, b].map((c) => c.toString(16).padStart(2, '0')).join('')}`).toBe(DEFAULT_ACCENT);
  });

  it('draws the avatar image inside the circle when one is given, else the member colour', async () => {
    const avatar = await loadImage(solidImage('#00ff00'));
    expect(await pixelAt(renderRankCard(cardData(), avatar), AVATAR_CENTRE.x - 60, AVATAR_CENTRE.y)).toEqual([0, 255, 0]);
    const [r, g, b] = await pixelAt(renderRankCard(cardData()), AVATAR_CENTRE.x - 60, AVATAR_CENTRE.y);
    expect([r, g, b]).not.toEqual([0, 255, 0]);
    expect(colourForId('300000000000000001')).toBe(colourForId('300000000000000001'));
    expect(colourForId('300000000000000001')).not.toBe(colourForId('300000000000000002'));
  });
});

describe('emoji on the card', () => {
  it('draws a currency symbol such as ⭐ in colour (the emoji font), not as an empty box', async () => {
    const yellow = async (symbol: string) => {
      const image = await loadImage(renderRankCard(cardData({ accentColor: '#5865f2', balances: [{ name: 'Stars', symbol, amount: 87 }] })));
      const canvas = createCanvas(CARD_WIDTH, CARD_HEIGHT);
      canvas.getContext('2d').drawImage(image, 0, 0);
      const { data } = canvas.getContext('2d').getImageData(0, 0, CARD_WIDTH, CARD_HEIGHT);
      let n = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i]! > 200 && data[i + 1]! > 150 && data[i + 2]! < 90) n++;
      return n;
    };
    expect(await yellow('S')).toBe(0);
    expect(await yellow('⭐')).toBeGreaterThan(50);
  });
});

describe('encodePng', () => {
  it('gives the bytes toBuffer gives', () => {
    const canvas = drawRankCard(cardData());
    expect(encodePng(canvas).equals(canvas.toBuffer('image/png'))).toBe(true);
  });

  it('frees the native copy of each PNG before returning, even when the event loop never turns', () => {
    // Noise does not compress: each PNG is ~900 KB. With toBuffer, 24 encodes in one synchronous run
    // held +21 MB of RSS until the next turn of the event loop; encodePng's garbage is V8's to collect.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const canvas = createCanvas(512, 512);
    const ctx = canvas.getContext('2d');
    const noise = ctx.createImageData(512, 512);
    randomFillSync(noise.data);
    for (let i = 3; i < noise.data.length; i += 4) noise.data[i] = 255;
    ctx.putImageData(noise, 0, 0);
    encodePng(canvas);
    gc();
    const before = process.memoryUsage().rss;
    let bytes = 0;
    for (let i = 0; i < 24; i++) bytes += encodePng(canvas).length;
    gc();
    expect(bytes).toBeGreaterThan(20 * 2 ** 20);
    expect(process.memoryUsage().rss - before).toBeLessThan(8 * 2 ** 20);
  });
});

describe('card text', () => {
  it('cleans names: controls and bidi marks become spaces, runs of space collapse, nothing left is empty', () => {
    expect(cleanText(HOSTILE_NAMES['NUL bytes'])).toBe('Ada Lovelace');
    expect(cleanText(HOSTILE_NAMES['bidi overrides'])).toBe('evil name');
    expect(cleanText(HOSTILE_NAMES['only invisible'])).toBe('');
    expect(cleanText(HOSTILE_NAMES.newlines)).toBe('line one two three');
    expect(cleanText(HOSTILE_NAMES['lone surrogates'])).toBe('\ufffdabc\ufffd');
    expect(cleanText(null)).toBe('');
  });

  it('cuts a 10,000-character name to 120 graphemes with an ellipsis, never inside an emoji sequence', () => {
    expect(cleanText(HOSTILE_NAMES['10,000 characters'])).toBe('W'.repeat(120) + '…');
    const emoji = cleanText(HOSTILE_NAMES.emoji);
    expect(emoji.endsWith('…')).toBe(true);
    expect(emoji.slice(0, -1)).toBe('👩🏽‍💻🔥🏳️‍🌈'.repeat(40));
  });

  it('fits text to a width with an ellipsis', () => {
    registerCardFonts();
    const ctx = createCanvas(10, 10).getContext('2d');
    ctx.font = cardFont(36, 'bold');
    expect(fitText(ctx, 'Ada', 500)).toBe('Ada');
    const cut = fitText(ctx, 'W'.repeat(120), 300);
    expect(cut).toMatch(/^W+…$/);
    expect(ctx.measureText(cut).width).toBeLessThanOrEqual(300);
    expect(fitText(ctx, 'Wide', 1)).toBe('…');
  });

  it('takes initials from the first letters of two words', () => {
    expect(initials('ada lovelace byron')).toBe('AL');
    expect(initials('!!! zed')).toBe('Z');
    expect(initials('🔥🔥')).toBe('?');
    expect(initials('漢字')).toBe('漢');
  });

  it('shortens large numbers and shows non-finite ones as a dash', () => {
    expect(shortNumber(99_999)).toBe('99,999');
    expect(shortNumber(123_456)).toBe('123.5K');
    expect(shortNumber(2 ** 53)).toBe('9007.2T');
    expect(shortNumber(Number.NaN)).toBe('—');
  });

  it('keeps the accent only when it is #rrggbb', () => {
    expect(accentColour('#ABCDEF')).toBe('#abcdef');
    for (const bad of [null, undefined, 'red', '#fff', '#12345g', 42, '#1234567']) expect(accentColour(bad)).toBe(DEFAULT_ACCENT);
  });

  it('fills the progress bar by the progress within the level, bounded to 0..1', () => {
    expect(progressOf({ level: 1, held: 450, startsAt: 300, nextAt: 600, unit: 'XP' })).toBe(0.5);
    expect(progressOf({ level: 1, held: 50, startsAt: 300, nextAt: 600, unit: 'XP' })).toBe(0);
    expect(progressOf({ level: 1, held: 900, startsAt: 300, nextAt: 600, unit: 'XP' })).toBe(1);
    expect(progressOf({ level: 9, held: 900, startsAt: 300, nextAt: null, unit: 'XP' })).toBe(1);
    expect(progressOf({ level: 1, held: 1, startsAt: 5, nextAt: 5, unit: 'XP' })).toBe(0);
    expect(progressOf(null)).toBe(0);
  });
});
