// Reading PNGs in tests: the signature and IHDR size, a pixel's colour, and images to serve as avatars.
import { createCanvas, loadImage } from '@napi-rs/canvas';
import type { RankCardData } from '../../src/cards/rank-card.ts';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height from a PNG's IHDR chunk; throws when the bytes are not a PNG. */
export function pngSize(bytes: Buffer): { width: number; height: number } {
  if (!bytes.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG: bad signature');
  if (bytes.toString('latin1', 12, 16) !== 'IHDR') throw new Error('not a PNG: IHDR is not the first chunk');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** [r, g, b] of one pixel of an image. */
export async function pixelAt(bytes: Buffer, x: number, y: number): Promise<[number, number, number]> {
  const image = await loadImage(bytes);
  const canvas = createCanvas(image.width, image.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(image, 0, 0);
  const [r, g, b] = ctx.getImageData(x, y, 1, 1).data;
  return [r!, g!, b!];
}

/** A square image of one colour, as PNG (or another format the canvas encodes). */
export function solidImage(colour: string, side = 128, format: 'image/png' | 'image/jpeg' | 'image/webp' = 'image/png'): Buffer {
  const canvas = createCanvas(side, side);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = colour;
  ctx.fillRect(0, 0, side, side);
  return format === 'image/png' ? canvas.toBuffer('image/png') : format === 'image/jpeg' ? canvas.toBuffer('image/jpeg') : canvas.toBuffer('image/webp');
}

/** Where the card draws the avatar's centre (rank-card.ts layout). */
export const AVATAR_CENTRE = { x: 128, y: 141 } as const;

export function cardData(overrides: Partial<RankCardData> = {}): RankCardData {
  return {
    userId: '300000000000000001',
    displayName: 'Ada Lovelace',
    username: 'ada',
    avatarUrl: null,
    accentColor: '#e67e22',
    level: { level: 4, held: 450, startsAt: 300, nextAt: 600, unit: 'XP' },
    rank: { position: 2, currency: 'XP' },
    balances: [
      { name: 'XP', symbol: '✦', amount: 450 },
      { name: 'Stars', symbol: '⭐', amount: 12 },
    ],
    milestone: { icon: '💬', name: 'Chatterbox' },
    left: false,
    ...overrides,
  };
}
