// A ticket's summary as the panel shows it: the text, or why there is none (yet).
import type { TicketRow } from './ai-context.ts';

export type SummaryState =
  | { state: 'done'; summary: string }
  | { state: 'open' }
  | { state: 'pending' }
  | { state: 'skipped' | 'failed'; note: string };

export function summaryState(t: Pick<TicketRow, 'status' | 'closedAt' | 'summary' | 'summaryStatus' | 'summaryNote' | 'summaryFor'>): SummaryState {
  const current = t.closedAt !== null && t.summaryFor !== null && t.summaryFor.getTime() === t.closedAt.getTime();
  if (t.status === 'closed' && current && (t.summaryStatus === 'skipped' || t.summaryStatus === 'failed')) return { state: t.summaryStatus, note: t.summaryNote ?? '' };
  if (t.summary !== null && (current || t.status !== 'closed')) return { state: 'done', summary: t.summary };
  if (t.status !== 'closed') return { state: 'open' };
  // Not yet looked at, being written, or a failed call waiting to be tried again.
  return { state: 'pending' };
}
