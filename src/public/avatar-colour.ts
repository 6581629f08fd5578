// The colour of an initials avatar, from the member's id: the same member keeps the same colour on
// every page (the panel's Avatar.svelte uses the same formula).
export function avatarHue(id: string): number {
  let hash = 0;
  for (let i = 0; i < id.length; i++) hash = (hash * 31 + id.charCodeAt(i)) >>> 0;
  return hash % 360;
}

/** Up to two letters from a name ("Ada Lovelace" → "AL", "néo" → "N"); "?" when there are none. */
export function initials(name: string | null | undefined): string {
  const words = (name ?? '').trim().split(/[\s._-]+/u).filter(Boolean);
  const letters = words.length > 1 ? [words[0]!, words[words.length - 1]!] : words.slice(0, 1);
  const out = letters.map((w) => [...w][0]!.toUpperCase()).join('');
  return out || '?';
}
