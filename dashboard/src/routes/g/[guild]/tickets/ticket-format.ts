// Words for the support desk pages: statuses, timeline entries and durations as people say them.

export const STATUS_LABEL: Record<string, string> = { open: 'Open', claimed: 'Claimed', waiting: 'Waiting on member', closed: 'Closed' };

/** "45 s", "12 min", "3 h 20 min", "2 d 4 h": the two largest units. */
export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '—';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

const KIND_LABEL: Record<string, string> = {
  opened: 'opened the ticket', claimed: 'claimed it', unclaimed: 'released it', waiting: 'set it to waiting on the member', resumed: 'took it back from waiting',
  member_added: 'added a member', member_removed: 'removed a member', renamed: 'renamed it', closed: 'closed it', reopened: 'reopened it',
  first_response: 'answered first', transcript_attached: 'attached the transcript', channel_deleted: 'saw its channel deleted',
};

/** What a timeline entry says after its actor's name ("claimed it"); unknown kinds in plain words. */
export const kindLabel = (kind: string) => KIND_LABEL[kind] ?? kind.replace(/_/g, ' ');

const SNOWFLAKE = /^[0-9]{15,20}$/;
/** A timeline entry's details as [label, value] pairs; ids are flagged so the page shows names. */
export function details(data: Record<string, unknown>): { key: string; value: string; isId: boolean }[] {
  return Object.entries(data)
    .filter(([, v]) => v !== null && v !== undefined && v !== '' && typeof v !== 'object')
    .map(([k, v]) => ({ key: k.replace(/_id$/, '').replace(/_/g, ' '), value: String(v), isId: SNOWFLAKE.test(String(v)) }));
}

/** A ticket's category as people read it: its label in the settings, "General" for the default, else its key. */
export const categoryText = (t: { category: string; categoryLabel: string | null }) => t.categoryLabel ?? (t.category === 'general' ? 'General' : t.category);

/** Only http(s) attachment URLs become links. */
export const isWebLink = (url: string) => /^https?:\/\//i.test(url);
