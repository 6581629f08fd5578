// The panel's own list of event types (pickers, dry-run templates) against the server's: the same
// types, and each template's data accepted by the server's schema for its type.
import { describe, expect, it } from 'vitest';
import { EVENT_DATA, EVENT_TYPES as PANEL_TYPES, INTERNAL_EVENTS } from '../../dashboard/src/lib/events.ts';
import { EventDataSchemas, EVENT_TYPES, INTERNAL_EVENT_TYPES } from '../../src/events/lake-event.ts';

describe('the panel’s event types', () => {
  it('are the server’s, internal ones marked the same', () => {
    expect([...PANEL_TYPES].sort()).toEqual([...EVENT_TYPES].sort());
    expect([...INTERNAL_EVENTS].sort()).toEqual([...INTERNAL_EVENT_TYPES].sort());
  });

  it('offer templates the server accepts', () => {
    for (const type of EVENT_TYPES) {
      const parsed = EventDataSchemas[type].safeParse(EVENT_DATA[type as keyof typeof EVENT_DATA]);
      expect(parsed.success, `${type}: ${parsed.success ? '' : parsed.error.message}`).toBe(true);
    }
  });
});
