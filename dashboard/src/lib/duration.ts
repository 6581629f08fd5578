// Durations as people say them ("10 minutes", "1 day") for fields the server keeps in seconds.
export const UNITS = [
  { name: 'seconds', one: 'second', seconds: 1 },
  { name: 'minutes', one: 'minute', seconds: 60 },
  { name: 'hours', one: 'hour', seconds: 3600 },
  { name: 'days', one: 'day', seconds: 86_400 },
  { name: 'weeks', one: 'week', seconds: 604_800 },
] as const;
export type Unit = (typeof UNITS)[number]['seconds'];

/** Stored seconds in the largest unit that divides them: 600 → 10 minutes, 90 → 90 seconds. */
export function bestUnit(seconds: number): { amount: number; unit: Unit } {
  if (!Number.isInteger(seconds) || seconds <= 0) return { amount: seconds, unit: 1 };
  for (const u of [...UNITS].reverse()) if (seconds % u.seconds === 0) return { amount: seconds / u.seconds, unit: u.seconds };
  return { amount: seconds, unit: 1 };
}

/** "10 minutes", "1 day", "90 seconds". */
export function describeSeconds(seconds: number): string {
  const { amount, unit } = bestUnit(seconds);
  const u = UNITS.find((x) => x.seconds === unit)!;
  return `${amount} ${amount === 1 ? u.one : u.name}`;
}
