// Presets carry the support desk: settings.tickets in a recipe is bound (--bind NAME=ID), shown in
// the import's diff, imported through changeSettings (versioned), exported and imported back
// identically; presets/support.json's rules pay staff and FAQ authors as intended (dry run).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { configVersions, guilds } from '../../src/db/schema.ts';
import type { LakeEvent } from '../../src/events/lake-event.ts';
import { changeSettings } from '../../src/guilds/settings.ts';
import { diffText } from '../../src/presets/diff-text.ts';
import { exportGuild, recipeText } from '../../src/presets/export.ts';
import { importRecipe, parseRecipe } from '../../src/presets/import.ts';
import { parseBindingArgs, recipeConfigInput, type Bindings, type Recipe } from '../../src/presets/recipe.ts';
import { compileConfig } from '../../src/rules/compiler.ts';
import { dryRun } from '../../src/rules/dry-run.ts';
import { MemoryState } from '../../src/rules/state.ts';
import { createTestDatabase, resetDatabase, type TestDatabase } from '../support/db.ts';
import { ALICE, BOB, CAROL, GUILD, nextSourceId, OTHER_GUILD } from '../support/factories.ts';

const TICKETS_CHANNEL = '7000000000000000001';
const LOG_CHANNEL = '7000000000000000002';
const STAFF_ROLE = '8000000000000000001';

const recipe = (): Recipe => {
  const parsed = parseRecipe(JSON.parse(readFileSync(join(import.meta.dirname, '../../presets/support.json'), 'utf8')));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.recipe;
};
const bindings = (): Bindings => {
  const parsed = parseBindingArgs([`tickets=${TICKETS_CHANNEL}`, `ticket_log=${LOG_CHANNEL}`, `role:support_staff=${STAFF_ROLE}`], recipe());
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.bindings;
};
const storedTickets = async (guildId = GUILD) => ((await database.db.select().from(guilds).where(eq(guilds.id, guildId)))[0]?.settings as Record<string, any>)?.tickets;

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});
beforeEach(async () => {
  await resetDatabase(database);
});

describe('settings.tickets in a recipe', () => {
  it('is bound, imported through the settings write path (versioned), exported and imported back identically', async () => {
    const first = await importRecipe(database.db, GUILD, recipe(), { bindings: bindings(), actor: 'test' });
    expect(first).toMatchObject({ ok: true, applied: true });
    const tickets = await storedTickets();
    expect(tickets).toMatchObject({ parent_channel_id: TICKETS_CHANNEL, log_channel_id: LOG_CHANNEL, staff_role_ids: [STAFF_ROLE], transcripts: { enabled: true, retention_days: 30 } });
    expect(tickets.categories.map((c: { key: string }) => c.key)).toEqual(['general', 'report', 'appeal']);
    const versions = await database.db.select().from(configVersions).where(and(eq(configVersions.guildId, GUILD), eq(configVersions.kind, 'settings')));
    expect(versions.at(-1)?.document).toMatchObject({ tickets: { parent_channel_id: TICKETS_CHANNEL } });

    const exported = await exportGuild(database.db, GUILD);
    expect(exported.settings).toEqual({ tickets });
    const again = parseRecipe(JSON.parse(recipeText(exported)));
    if (!again.ok) throw new Error(JSON.stringify(again.problems));
    expect(await importRecipe(database.db, OTHER_GUILD, again.recipe, { actor: 'test' })).toMatchObject({ ok: true });
    expect(await storedTickets(OTHER_GUILD)).toEqual(tickets);
    expect(recipeText(await exportGuild(database.db, OTHER_GUILD))).toBe(recipeText(exported));
    // Importing the same recipe again writes nothing.
    expect(await importRecipe(database.db, GUILD, recipe(), { bindings: bindings(), actor: 'test' })).toMatchObject({ ok: true, applied: false, diff: { identical: true, settings: [] } });
  });

  it('shows in the diff, path by path, what the import changes in the desk; merge keeps a desk the recipe lacks, replace removes it', async () => {
    const fresh = await importRecipe(database.db, GUILD, recipe(), { bindings: bindings(), actor: 'test', dryRun: true });
    expect(fresh.ok && fresh.diff.settings).toEqual([{ path: 'settings.tickets', before: null, after: expect.objectContaining({ parent_channel_id: TICKETS_CHANNEL }) }]);
    await importRecipe(database.db, GUILD, recipe(), { bindings: bindings(), actor: 'test' });
    const edited = { ...(await storedTickets()), transcripts: { enabled: true, retention_days: 60, attach_on_close: false } };
    expect((await changeSettings(database.db, GUILD, { tickets: edited }, 'admin')).ok).toBe(true);
    const review = await importRecipe(database.db, GUILD, recipe(), { bindings: bindings(), actor: 'test', dryRun: true });
    if (!review.ok) throw new Error('diff failed');
    expect(review.diff).toMatchObject({ identical: false, settings: [{ path: 'settings.tickets.transcripts.retention_days', before: 60, after: 30 }] });
    expect(diffText(review.diff)).toContain('settings.tickets.transcripts.retention_days: 60 → 30');

    const { settings: _settings, ...withoutDesk } = recipe();
    const merge = await importRecipe(database.db, GUILD, { ...withoutDesk, settings: {} }, { actor: 'test', dryRun: true });
    expect(merge.ok && merge.diff.settings).toEqual([]);
    const replace = await importRecipe(database.db, GUILD, { ...withoutDesk, settings: {} }, { actor: 'test', mode: 'replace' });
    expect(replace.ok && replace.diff.settings).toEqual([{ path: 'settings.tickets', before: expect.objectContaining({ mode: 'thread' }), after: null }]);
    expect(await storedTickets()).toBeUndefined();
  });

  it('refuses, changing nothing, an unbound staff role, an invalid desk and a section recipes do not carry', async () => {
    const unbound = await importRecipe(database.db, GUILD, recipe(), { bindings: { channels: bindings().channels, roles: {} }, actor: 'test' });
    expect(unbound).toMatchObject({ ok: false, problems: [{ path: 'placeholders.roles.support_staff' }] });
    const bad = recipe();
    const desk = bad.settings.tickets as Record<string, unknown>;
    const invalid = await importRecipe(database.db, GUILD, { ...bad, settings: { tickets: { ...desk, categories: [{ key: 'Bad Key', label: 'x' }], max_open_per_member: 2 ** 53 } } }, { bindings: bindings(), actor: 'test' });
    expect(invalid.ok).toBe(false);
    expect(!invalid.ok && [...new Set(invalid.problems.map((p) => p.path))].sort()).toEqual(['settings.tickets.categories[0].key', 'settings.tickets.max_open_per_member']);
    const unknown = await importRecipe(database.db, GUILD, { ...bad, settings: { tickets: desk, desk_colour: 'red' } }, { bindings: bindings(), actor: 'test' });
    expect(unknown).toMatchObject({ ok: false, problems: [{ path: 'settings.desk_colour', message: expect.stringContaining('carries: onboarding, tickets') }] });
    const hostile = await importRecipe(database.db, GUILD, { ...bad, settings: { tickets: { ...desk, categories: [{ key: 'ok', label: 'x'.repeat(10_000) }] } } }, { bindings: bindings(), actor: 'test' });
    expect(hostile).toMatchObject({ ok: false, problems: [{ path: 'settings.tickets.categories[0].label' }] });
    expect(await storedTickets()).toBeUndefined();
  });
});

describe('the support.tickets rules (dry run)', () => {
  const config = () => compileConfig(recipeConfigInput(recipe(), GUILD, bindings()));
  const closed = (data: Record<string, unknown>, actor = BOB, target: string | null = ALICE): LakeEvent => ({
    source_id: nextSourceId(), type: 'ticket_closed', guild_id: GUILD, actor_id: actor, target_id: target, channel_id: null, occurred_at: '2026-11-22T10:00:00.000Z',
    data: { ticket: 1, category: 'general', by_staff: true, resolved: true, resolution_seconds: 3600, reopened_count: 0, ...data },
  });
  const helpful = (actor: string, target: string | null): LakeEvent => ({
    source_id: nextSourceId(), type: 'faq_helpful', guild_id: GUILD, actor_id: actor, target_id: target, channel_id: null, occurred_at: '2026-11-22T10:00:00.000Z', data: { entry: 'daily-reset' },
  });
  const paid = (event: LakeEvent, member: string) => {
    const result = dryRun(config(), new MemoryState(GUILD), event);
    expect(result.errors).toEqual([]);
    expect(result.invalid_rules).toEqual([]);
    return result.balances[member]?.helper?.after ?? 0;
  };

  it('compile without problems', () => {
    expect(config().problems).toEqual([]);
  });

  it.each([
    [15, 'resolved by staff, first answer in 5 minutes', { first_response_seconds: 300 }],
    [10, 'resolved by staff, first answer in exactly 15 minutes', { first_response_seconds: 900 }],
    [10, 'resolved by staff, first answer after an hour', { first_response_seconds: 3600 }],
    [10, 'resolved by staff, never answered before the close', {}],
    [0, 'closed by staff, not resolved', { resolved: false, first_response_seconds: 60 }],
    [0, 'closed by the member', { by_staff: false, first_response_seconds: 60 }],
  ])('pays the staff member %i for a ticket_closed %s', (amount, _name, data) => {
    expect(paid(closed(data), BOB)).toBe(amount);
  });

  it('a staff member closing their own ticket earns nothing; the member who opened it never does', () => {
    expect(paid(closed({ first_response_seconds: 60 }, BOB, BOB), BOB)).toBe(0);
    const result = dryRun(config(), new MemoryState(GUILD), closed({ first_response_seconds: 60 }));
    expect(result.balances[ALICE]?.helper?.after).toBe(0);
  });

  it('faq_helpful pays the entry’s author, not the voter, and not a self-vote', () => {
    expect(paid(helpful(CAROL, ALICE), ALICE)).toBe(2);
    const result = dryRun(config(), new MemoryState(GUILD), helpful(CAROL, ALICE));
    expect(result.balances[CAROL]?.helper?.after).toBe(0);
    expect(paid(helpful(ALICE, ALICE), ALICE)).toBe(0);
    expect(paid(helpful(CAROL, null), CAROL)).toBe(0);
  });
});
