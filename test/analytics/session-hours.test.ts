// Presence and voice sessions spread over hours and days in the aggregates: the batch sweep counts
// the same seconds as cutting each session hour by hour, and a session never counts more than its
// duration (a started_at further back is not believed), which also bounds a batch's work.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aggregateRows, HourlySeconds } from '../../src/analytics/aggregator.ts';
import type { LakeEvent } from '../../src/events/lake-event.ts';

const HOUR = 3_600_000;
const naive = (sessions: [number, number][]) => {
  const totals = new Map<number, number>();
  for (const [start, end] of sessions) {
    for (let from = start; from < end; ) {
      const hour = Math.floor(from / HOUR) * HOUR;
      const boundary = Math.min(hour + HOUR, end);
      const seconds = Math.round((boundary - from) / 1000);
      if (seconds > 0) totals.set(hour, (totals.get(hour) ?? 0) + seconds);
      from = boundary;
    }
  }
  return [...totals].sort(([a], [b]) => a - b).map(([h, s]) => ({ h: new Date(h).toISOString(), s }));
};

const presence = (at: string, duration: number, startedAt?: string) =>
  ({ source_id: `p-${at}-${duration}`, type: 'presence_session_end', guild_id: '1', actor_id: '2', target_id: null, channel_id: null, occurred_at: at, data: { status: 'online', duration_seconds: duration, ...(startedAt ? { started_at: startedAt } : {}) } }) as unknown as LakeEvent;

describe('hours of sessions', () => {
  it('the batch sweep gives the seconds per hour of cutting each session hour by hour', () => {
    const base = Date.parse('2026-11-01T00:00:00Z');
    const session = fc.tuple(fc.integer({ min: 0, max: 10 * 86_400_000 }), fc.integer({ min: 0, max: 3 * 86_400_000 })).map(([s, d]): [number, number] => [base + s, base + s + d]);
    fc.assert(
      fc.property(fc.array(session, { maxLength: 30 }), (sessions) => {
        const hours = new HourlySeconds();
        for (const [s, e] of sessions) hours.add(s, e);
        expect(hours.rows()).toEqual(naive(sessions));
      }),
    );
  });

  it('counts a presence session for its duration only, however far back its started_at', () => {
    const rows = aggregateRows([presence('2026-11-20T10:30:00Z', 3600, '2016-01-01T00:00:00Z')], 'UTC');
    expect(rows.presenceHours).toEqual([
      { h: '2026-11-20T09:00:00.000Z', s: 1800 },
      { h: '2026-11-20T10:00:00.000Z', s: 1800 },
    ]);
    expect(rows.presence).toEqual([{ u: '2', d: '2026-11-20', s: 3600, n: 1 }]);
  });

  it('a batch of 1,000 year-long sessions ending the same day writes about a year of hours, not one per session-hour', () => {
    const events = Array.from({ length: 1000 }, (_, i) => presence(`2026-11-20T${String(i % 24).padStart(2, '0')}:00:00Z`, 31_536_000 - i, '2001-01-01T00:00:00Z'));
    const rows = aggregateRows(events, 'UTC');
    expect(rows.presenceHours.length).toBeLessThanOrEqual(366 * 24 + 24);
    const total = rows.presenceHours.reduce((sum, r) => sum + r.s, 0);
    expect(total).toBe(events.reduce((sum, e) => sum + (e.data as { duration_seconds: number }).duration_seconds, 0));
  });
});
