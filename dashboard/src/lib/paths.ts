// Field paths in words, for the rare message that cannot sit at its own field: `effects[1].role`
// → "effects, item 2, role"; `[0].amount` (under a field) → "item 1, amount".
export function where(path: string): string {
  return path
    .replace(/\[(\d+)\]/g, (_, n: string) => `.item ${Number(n) + 1}`)
    .split('.')
    .filter(Boolean)
    .map((part) => part.replace(/_/g, ' '))
    .join(', ');
}
