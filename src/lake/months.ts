// The lake's partitions are UTC calendar months named lake_events_pYYYYMM: the name says the range.
const NAME = /^lake_events_p(\d{4})(\d{2})$/;

export interface LakeMonth {
  /** 'YYYY-MM' (UTC). */
  month: string;
  /** The partition's table name. */
  table: string;
  /** Inclusive lower bound. */
  from: Date;
  /** Exclusive upper bound. */
  to: Date;
}

/** The month of an instant, 'YYYY-MM' in UTC. */
export function monthOf(at: string | Date): string {
  if (typeof at === 'string' && at.endsWith('Z') && at.length >= 7) return at.slice(0, 7);
  return new Date(at).toISOString().slice(0, 7);
}

export function lakeMonth(month: string): LakeMonth {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return {
    month,
    table: `lake_events_p${String(y).padStart(4, '0')}${String(m).padStart(2, '0')}`,
    from: new Date(Date.UTC(y, m - 1, 1)),
    to: new Date(Date.UTC(y, m, 1)),
  };
}

/** The month a partition table holds, or null for a table that is not a monthly partition. */
export function monthOfTable(table: string): LakeMonth | null {
  const match = NAME.exec(table);
  return match ? lakeMonth(`${match[1]}-${match[2]}`) : null;
}

/** `month` moved by `delta` months. */
export function addMonths(month: string, delta: number): string {
  const { from } = lakeMonth(month);
  return new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth() + delta, 1)).toISOString().slice(0, 7);
}
