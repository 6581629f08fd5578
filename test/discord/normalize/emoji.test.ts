// Emoji counting: custom and unicode emoji, sequences counted once.
import { describe, expect, it } from 'vitest';
import { countEmoji } from '../../../src/discord/normalize/emoji.ts';

describe('countEmoji', () => {
  it.each([
    ['no emoji here, 123 #1', 0],
    ['🎉', 1],
    ['👍🏽', 1],
    ['👨‍👩‍👧‍👦', 1],
    ['🇫🇷🇩🇪', 2],
    ['1️⃣', 1],
    ['❤️ and ✨', 2],
    ['<:cairn:123456789012345678> <a:wave:123456789012345679>', 2],
    ['🎉🎉🎉🎉🎉🎉', 6],
  ])('counts %s as %i', (text, expected) => {
    expect(countEmoji(text)).toBe(expected);
  });
});
