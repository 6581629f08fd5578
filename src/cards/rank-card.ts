// Draws a rank card (934×282 PNG, the size of the rank cards members know) from a RankCardData
// value: pure drawing, no database and no network; the avatar arrives already decoded.
import { createCanvas, type Canvas, type Image, type SKRSContext2D } from '@napi-rs/canvas';
import { accentColour, colourForId } from './colours.ts';
import { cardFont, ensureEmojiGlyphs, registerCardFonts } from './fonts.ts';
import { cleanText, fitText, initials, shortNumber } from './text.ts';

export const CARD_WIDTH = 934;
export const CARD_HEIGHT = 282;

export interface RankCardData {
  userId: string;
  displayName: string;
  username: string | null;
  /** Where the avatar comes from (members.avatar_url); null draws initials. */
  avatarUrl: string | null;
  /** '#rrggbb' (guild settings accent_color); anything else draws the default. */
  accentColor: string | null;
  /** Level on the main currency's curve (or the first currency with one). */
  level: { level: number; held: number; startsAt: number; nextAt: number | null; unit: string; /** What the guild calls a level (labels' `level`); LEVEL when absent. */ label?: string } | null;
  /** Rank in the guild for the main currency (all time), when the member holds some. */
  rank: { position: number; currency: string } | null;
  /** Up to three currencies, in the guild's order. */
  balances: { name: string; symbol: string; amount: number }[];
  milestone: { icon: string; name: string } | null;
  /** The member left the guild. */
  left: boolean;
}

/** What drawImage takes: a decoded avatar or a canvas it was scaled onto. */
export type AvatarImage = Image | Canvas;

const BACKGROUND = '#1e1f22';
const PANEL = '#2b2d31';
const TEXT = '#f2f3f5';
const MUTED = '#b5bac1';
const TRACK = '#4e5058';

const PAD = 28;
const AVATAR_R = 92;
const AVATAR_CX = PAD + AVATAR_R + 8;
const AVATAR_CY = CARD_HEIGHT / 2;
const LEFT = AVATAR_CX + AVATAR_R + 36;
const RIGHT = CARD_WIDTH - PAD - 12;
const BAR_Y = 196;
const BAR_H = 34;

/**
 * One canvas for every card of the process. Its ~1 MB of pixels live outside V8's heap, which does
 * not count them: a canvas per card left 10,000 renders holding 10 GB until a full collection
 * happened to run. Drawing and encoding are synchronous, so no two cards share it at once.
 */
let shared: Canvas | undefined;

/** The card as a PNG. */
export function renderRankCard(data: RankCardData, avatar: AvatarImage | null = null): Buffer {
  shared ??= createCanvas(CARD_WIDTH, CARD_HEIGHT);
  return encodePng(drawRankCard(data, avatar, shared));
}

/**
 * The canvas as PNG bytes held by V8, the native copy already freed. `toBuffer`/`encodeSync` return
 * a Buffer over native memory that N-API frees in a finalizer Node defers to the event loop's next
 * turn (setImmediate), whatever the GC does: cards rendered in one synchronous run held every PNG
 * until the run ended (+36 KB per card, +360 MB over 10,000). `toDataURL` drops its native copy
 * before returning the same bytes; the base64 round trip adds ~0.15 ms to a ~15 ms encode.
 */
export function encodePng(canvas: Canvas): Buffer {
  const url = canvas.toDataURL('image/png');
  return Buffer.from(url.slice(url.indexOf(',') + 1), 'base64');
}

/** Draws the card on `canvas` (a new one unless given; a given one is cleared first). */
export function drawRankCard(data: RankCardData, avatar: AvatarImage | null = null, canvas: Canvas = createCanvas(CARD_WIDTH, CARD_HEIGHT)): Canvas {
  registerCardFonts();
  ensureEmojiGlyphs([data.displayName, data.username ?? '', data.milestone?.icon ?? '', data.milestone?.name ?? '', data.level?.unit ?? '', data.level?.label ?? '', ...data.balances.flatMap((b) => [b.symbol, b.name])].join(''));
  const ctx = canvas.getContext('2d');
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, CARD_WIDTH, CARD_HEIGHT);
  ctx.save();
  try {
    draw(ctx, data, avatar);
  } finally {
    ctx.restore();
  }
  return canvas;
}

function draw(ctx: SKRSContext2D, data: RankCardData, avatar: AvatarImage | null): void {
  const accent = accentColour(data.accentColor);
  const name = cleanText(data.displayName) || `Member ${data.userId.slice(-4)}`;

  ctx.fillStyle = BACKGROUND;
  roundedRect(ctx, 0, 0, CARD_WIDTH, CARD_HEIGHT, 24);
  ctx.fill();
  ctx.fillStyle = PANEL;
  roundedRect(ctx, 12, 12, CARD_WIDTH - 24, CARD_HEIGHT - 24, 18);
  ctx.fill();
  // A band of the accent down the left edge: the guild's colour at a glance.
  ctx.fillStyle = accent;
  roundedRect(ctx, 12, 12, 10, CARD_HEIGHT - 24, 5);
  ctx.fill();

  drawAvatar(ctx, data, name, avatar, accent);
  const badgeLeft = drawBadges(ctx, data, accent);
  drawName(ctx, data, name, badgeLeft);
  drawBalances(ctx, data);
  drawProgress(ctx, data, accent);
}

function drawAvatar(ctx: SKRSContext2D, data: RankCardData, name: string, avatar: AvatarImage | null, accent: string): void {
  ctx.save();
  ctx.beginPath();
  ctx.arc(AVATAR_CX, AVATAR_CY, AVATAR_R + 6, 0, Math.PI * 2);
  ctx.fillStyle = accent;
  ctx.fill();
  ctx.beginPath();
  ctx.arc(AVATAR_CX, AVATAR_CY, AVATAR_R, 0, Math.PI * 2);
  ctx.clip();
  if (avatar) {
    ctx.drawImage(avatar, AVATAR_CX - AVATAR_R, AVATAR_CY - AVATAR_R, AVATAR_R * 2, AVATAR_R * 2);
  } else {
    ctx.fillStyle = colourForId(data.userId);
    ctx.fillRect(AVATAR_CX - AVATAR_R, AVATAR_CY - AVATAR_R, AVATAR_R * 2, AVATAR_R * 2);
    ctx.fillStyle = TEXT;
    ctx.font = cardFont(64, 'bold');
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText(initials(name), AVATAR_CX, AVATAR_CY + 2);
  }
  ctx.restore();
}

/** RANK #n and LEVEL n at the top right; returns where they start (the name must end before). */
function drawBadges(ctx: SKRSContext2D, data: RankCardData, accent: string): number {
  let x = RIGHT;
  const y = 62;
  ctx.textBaseline = 'alphabetic';
  ctx.textAlign = 'right';
  const badge = (word: string, value: string, colour: string) => {
    ctx.font = cardFont(44, 'bold');
    ctx.fillStyle = colour;
    ctx.fillText(value, x, y);
    x -= ctx.measureText(value).width + 8;
    ctx.font = cardFont(18, 'bold');
    ctx.fillStyle = MUTED;
    // A guild's own word (up to 64 characters) must leave room for the name.
    const label = fitText(ctx, cleanText(word).toUpperCase(), 160);
    ctx.fillText(label, x, y);
    x -= ctx.measureText(label).width + 24;
  };
  if (data.level) badge(data.level.label ?? 'Level', shortNumber(data.level.level), accent);
  if (data.rank) badge('RANK', `#${shortNumber(data.rank.position)}`, TEXT);
  return x;
}

function drawName(ctx: SKRSContext2D, data: RankCardData, name: string, maxRight: number): void {
  ctx.textAlign = 'left';
  ctx.textBaseline = 'alphabetic';
  ctx.font = cardFont(36, 'bold');
  ctx.fillStyle = TEXT;
  ctx.fillText(fitText(ctx, name, Math.max(120, maxRight - LEFT)), LEFT, 64);
  const username = cleanText(data.username);
  const second = [username ? `@${username}` : '', data.left ? 'left the server' : ''].filter(Boolean).join(' · ');
  if (second) {
    ctx.font = cardFont(20);
    ctx.fillStyle = MUTED;
    ctx.fillText(fitText(ctx, second, RIGHT - LEFT), LEFT, 96);
  }
}

/** The balances on one line: "⭐ 1,234 Stars   🪙 56 Gold", each cut to its share of the width. */
function drawBalances(ctx: SKRSContext2D, data: RankCardData): void {
  const shown = data.balances.slice(0, 3);
  if (shown.length === 0) return;
  const gap = 28;
  const share = (RIGHT - LEFT - gap * (shown.length - 1)) / shown.length;
  let x = LEFT;
  ctx.textAlign = 'left';
  for (const balance of shown) {
    const symbol = cleanText(balance.symbol);
    const amount = shortNumber(balance.amount);
    const label = cleanText(balance.name);
    ctx.font = cardFont(24, 'bold');
    ctx.fillStyle = TEXT;
    const head = fitText(ctx, `${symbol ? `${symbol} ` : ''}${amount}`, share);
    ctx.fillText(head, x, 146);
    const used = ctx.measureText(head).width;
    ctx.font = cardFont(20);
    ctx.fillStyle = MUTED;
    if (share - used > 40) ctx.fillText(fitText(ctx, label, share - used - 8), x + used + 8, 146);
    x += share + gap;
  }
}

function drawProgress(ctx: SKRSContext2D, data: RankCardData, accent: string): void {
  const width = RIGHT - LEFT;
  const level = data.level;
  ctx.textBaseline = 'alphabetic';
  // Above the bar: the latest milestone on the left, the XP towards the next level on the right.
  let rightText = '';
  if (level) {
    const unit = cleanText(level.unit);
    rightText = level.nextAt === null ? `${shortNumber(level.held)} ${unit} · top level` : `${shortNumber(level.held)} / ${shortNumber(level.nextAt)} ${unit}`;
    ctx.font = cardFont(20, 'bold');
    ctx.fillStyle = MUTED;
    ctx.textAlign = 'right';
    rightText = fitText(ctx, rightText, width / 2);
    ctx.fillText(rightText, RIGHT, BAR_Y - 12);
  }
  if (data.milestone) {
    ctx.textAlign = 'left';
    ctx.font = cardFont(20);
    ctx.fillStyle = MUTED;
    const used = rightText ? ctx.measureText(rightText).width + 24 : 0;
    const text = `${cleanText(data.milestone.icon)} ${cleanText(data.milestone.name)}`.trim();
    ctx.fillText(fitText(ctx, text, width - used), LEFT, BAR_Y - 12);
  }

  ctx.fillStyle = TRACK;
  roundedRect(ctx, LEFT, BAR_Y, width, BAR_H, BAR_H / 2);
  ctx.fill();
  const fraction = progressOf(level);
  if (fraction > 0) {
    ctx.fillStyle = accent;
    roundedRect(ctx, LEFT, BAR_Y, Math.max(BAR_H, width * fraction), BAR_H, BAR_H / 2);
    ctx.fill();
  }
  if (!level) {
    ctx.font = cardFont(18);
    ctx.fillStyle = MUTED;
    ctx.textAlign = 'center';
    ctx.fillText('No levels in this server yet', LEFT + width / 2, BAR_Y + BAR_H / 2 + 6);
  }
}

/** How far along the current level the member is, 0..1 (1 at the top level). */
export function progressOf(level: RankCardData['level']): number {
  if (!level) return 0;
  if (level.nextAt === null) return 1;
  const span = level.nextAt - level.startsAt;
  if (!(span > 0)) return 0;
  const fraction = (level.held - level.startsAt) / span;
  return Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
}

function roundedRect(ctx: SKRSContext2D, x: number, y: number, w: number, h: number, r: number): void {
  ctx.beginPath();
  ctx.roundRect(x, y, w, h, Math.min(r, w / 2, h / 2));
}
