// Counting emoji in message text: custom emoji (<:name:id>, <a:name:id>) and unicode emoji, where a
// sequence (skin tone, ZWJ family, flag, keycap) counts once.
const CUSTOM = /<a?:\w{2,32}:\d{15,21}>/g;
const UNICODE =
  /\p{Regional_Indicator}{2}|[0-9#*]\uFE0F?\u20E3|\p{Extended_Pictographic}(?:\uFE0F|\p{Emoji_Modifier})?(?:\u200D\p{Extended_Pictographic}(?:\uFE0F|\p{Emoji_Modifier})?)*/gu;

export function countEmoji(text: string): number {
  let count = 0;
  const rest = text.replace(CUSTOM, () => {
    count++;
    return ' ';
  });
  for (const _ of rest.matchAll(UNICODE)) count++;
  return count;
}
