// The custom commands API: create, list, read, update and delete a guild's slash commands, each
// change audit-logged and in force in the configuration at once; a built-in's name refused with
// 409 naming the clash (here and through a preset import); hostile and malformed documents refused
// with field paths, leaving nothing stored.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auditLog, customCommands } from '../../src/db/schema.ts';
import { createTestApp, json } from '../support/app.ts';
import { createTestDatabase, resetDatabase, type TestDatabase } from '../support/db.ts';
import { GUILD, seedGuild } from '../support/factories.ts';

let database: TestDatabase;
let api: Awaited<ReturnType<typeof createTestApp>>;
beforeAll(async () => {
  database = await createTestDatabase();
  api = await createTestApp(database);
});
afterAll(async () => {
  await api.services.close();
});
beforeEach(async () => {
  await resetDatabase(database);
  await seedGuild(database, { currencies: [{ key: 'xp' }, { key: 'focus' }] });
});

const G = `/api/guilds/${GUILD}`;
const call = async (method: string, path: string, body?: unknown) => {
  const res = await api.request(`${G}${path}`, { method, ...(body === undefined ? {} : { json: body }) });
  return { status: res.status, body: await json(res) };
};

/** A command document; `overrides` replace top-level fields. */
const command = (name: string, overrides: Record<string, unknown> = {}) => ({
  name,
  description: 'Say hello',
  options: [{ name: 'who', description: 'Whom to greet', type: 'member', required: true }],
  reply: { template: 'Hello {option.who} from {member}!' },
  ...overrides,
});
const stored = async () => database.db.select().from(customCommands);
const paths = (body: { error: { details?: { path: string }[] } }) => (body.error.details ?? []).map((d) => d.path);

describe('custom commands API', () => {
  it('creates a command with defaults filled in, lists and reads it, and it is in the configuration at once', async () => {
    const created = await call('PUT', '/commands/hello', command('hello'));
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ name: 'hello', module: 'general', access: 'everyone', cooldown_seconds: 0, module_enabled: true, reply: { ephemeral: true }, options: [{ name: 'who', required: true, choices: [] }] });
    expect((await call('GET', '/commands')).body.map((c: { name: string }) => c.name)).toEqual(['hello']);
    expect((await call('GET', '/commands/hello')).body.description).toBe('Say hello');
    expect((await api.services.configs.get(GUILD)).commands.map((c) => c.name)).toEqual(['hello']);
  });

  it('edits a command, audit-logs create, update and delete as entity "command", and an unchanged save writes nothing', async () => {
    await call('PUT', '/commands/hello', command('hello'));
    const edited = await call('PUT', '/commands/hello', command('hello', { description: 'Greet someone', cooldown_seconds: 30, access: 'admins' }));
    expect(edited.body).toMatchObject({ description: 'Greet someone', cooldown_seconds: 30, access: 'admins' });
    await call('PUT', '/commands/hello', command('hello', { description: 'Greet someone', cooldown_seconds: 30, access: 'admins' }));
    expect((await call('DELETE', '/commands/hello')).body).toEqual({ deleted: 'hello' });
    expect((await call('GET', '/commands/hello')).status).toBe(404);
    expect((await call('DELETE', '/commands/hello')).status).toBe(404);
    const entries = await database.db.select().from(auditLog).where(eq(auditLog.entityType, 'command'));
    expect(entries.map((e) => e.action)).toEqual(['command.create', 'command.update', 'command.delete']);
    expect(entries[1]).toMatchObject({ entityKey: 'hello', before: { description: 'Say hello' }, after: { description: 'Greet someone' } });
    expect((await api.services.configs.get(GUILD)).commands).toEqual([]);
  });

  it('says when a command’s module is switched off', async () => {
    await call('PATCH', '/settings', { disabled_modules: ['habits'] });
    const saved = await call('PUT', '/commands/checkin', command('checkin', { module: 'habits', options: [], reply: { template: 'ok' } }));
    expect(saved.body.module_enabled).toBe(false);
  });

  it('refuses the name of a built-in command with 409 naming the clash, and stores nothing', async () => {
    const clash = await call('PUT', '/commands/profile', command('profile'));
    expect(clash.status).toBe(409);
    expect(clash.body.error.code).toBe('conflict');
    expect(clash.body.error.message).toContain('/profile');
    expect(clash.body.error.message).toContain('built-in');
    expect(paths(clash.body)).toEqual(['name']);
    expect(await stored()).toEqual([]);
  });

  it('refuses a body whose name differs from the URL', async () => {
    const res = await call('PUT', '/commands/hello', command('other'));
    expect(res.status).toBe(422);
    expect(paths(res.body)).toEqual(['name']);
  });

  it.each([
    ['a NUL in the description', { description: 'hi\u0000there' }, 'description'],
    ['a 10,000-character description', { description: 'x'.repeat(10_000) }, 'description'],
    ['an integer choice of 2^53', { options: [{ name: 'n', description: 'n', type: 'integer', choices: [{ name: 'big', value: 2 ** 53 }] }], reply: { template: 'x' } }, 'options[0].choices[0].value'],
    ['30 options', { options: Array.from({ length: 30 }, (_, i) => ({ name: `o${i}`, description: 'o', type: 'string' })), reply: { template: 'x' } }, 'options'],
    ['26 choices', { options: [{ name: 's', description: 's', type: 'string', choices: Array.from({ length: 26 }, (_, i) => ({ name: `c${i}`, value: `c${i}` })) }], reply: { template: 'x' } }, 'options[0].choices'],
    ['choices on a member option', { options: [{ name: 'm', description: 'm', type: 'member', choices: [{ name: 'a', value: 'a' }] }], reply: { template: 'x' } }, 'options[0].choices'],
    ['a text choice on an integer option', { options: [{ name: 'n', description: 'n', type: 'integer', choices: [{ name: 'a', value: 'a' }] }], reply: { template: 'x' } }, 'options[0].choices[0].value'],
    ['an upper-case option name', { options: [{ name: 'Who', description: 'w', type: 'string' }], reply: { template: 'x' } }, 'options[0].name'],
    ['a required option after an optional one', { options: [{ name: 'a', description: 'a', type: 'string' }, { name: 'b', description: 'b', type: 'string', required: true }], reply: { template: 'x' } }, 'options[1].required'],
    ['two options of one name', { options: [{ name: 'a', description: 'a', type: 'string' }, { name: 'a', description: 'a', type: 'role' }], reply: { template: 'x' } }, 'options[1].name'],
    ['an unknown option type', { options: [{ name: 'a', description: 'a', type: 'boolean' }], reply: { template: 'x' } }, 'options[0].type'],
    ['a negative cooldown', { cooldown_seconds: -1 }, 'cooldown_seconds'],
    ['access by roles without roles', { access: 'roles' }, 'roles'],
    ['an unknown placeholder', { reply: { template: 'Hi {membr}' } }, 'reply.template'],
    ['a placeholder of an option the command lacks', { reply: { template: 'Hi {option.whom}' } }, 'reply.template'],
    ['a balance of a currency the guild lacks', { reply: { template: 'You have {balance.gold}' } }, 'reply.template'],
    ['a 2,001-character template', { reply: { template: 'x'.repeat(2001) } }, 'reply.template'],
    ['an unknown field', { colour: 'red' }, '(root)'],
  ])('refuses %s with its field path and stores nothing', async (_what, overrides, path) => {
    const res = await call('PUT', '/commands/hello', command('hello', overrides));
    expect(res.status).toBe(422);
    expect(paths(res.body)).toContain(path);
    expect(await stored()).toEqual([]);
  });

  it.each([
    ['upper case', 'Hello'],
    ['a space', 'say%20hi'],
    ['33 characters', 'a'.repeat(33)],
  ])('refuses a name with %s', async (_what, name) => {
    const res = await call('PUT', `/commands/${name}`, command(decodeURIComponent(name)));
    expect(res.status).toBe(422);
    expect(paths(res.body)).toContain('name');
  });

  it('accepts names in other scripts, as Discord does', async () => {
    expect((await call('PUT', '/commands/привет', command('привет'))).status).toBe(200);
  });
});

describe('custom commands in presets', () => {
  const recipe = (commands: unknown[]) => ({ cairn_recipe: 1, key: 'cmds', name: 'Commands', currencies: [{ key: 'focus', name: 'Focus' }], commands });

  it('imports the study-group preset’s /checkin and exports it back unchanged', async () => {
    const imported = await call('POST', '/presets/import', { preset: 'study-group', bindings: { channels: { deep_work: '1111111111111111111' }, roles: { tutor: '2222222222222222222' } } });
    expect(imported.status).toBe(200);
    expect(imported.body.diff.commands.added).toEqual(['checkin']);
    expect((await call('GET', '/commands/checkin')).body).toMatchObject({ module: 'habits', options: [{ name: 'goal', type: 'string' }] });
    const exported = await call('GET', '/presets/export');
    expect(exported.body.commands).toEqual([expect.objectContaining({ name: 'checkin', module: 'habits' })]);
    const again = await call('POST', '/presets/import', { recipe: exported.body, dryRun: true });
    expect(again.body.diff.commands).toMatchObject({ added: [], changed: [], unchanged: 1 });
  });

  it('refuses a preset whose command takes a built-in’s name, naming the clash at its path, and imports nothing', async () => {
    const res = await call('POST', '/presets/import', { recipe: recipe([command('leaderboard', { options: [], reply: { template: 'x' } })]) });
    expect(res.status).toBe(422);
    expect(res.body.error.details).toEqual([expect.objectContaining({ path: 'commands[0].name', message: expect.stringContaining('/leaderboard') })]);
    expect(await stored()).toEqual([]);
  });

  it('refuses two commands of one name in a preset', async () => {
    const res = await call('POST', '/presets/import', { recipe: recipe([command('a', { options: [], reply: { template: 'x' } }), command('a', { options: [], reply: { template: 'y' } })]) });
    expect(res.status).toBe(422);
    expect(paths(res.body)).toContain('commands[1].key');
  });

  it('shows a changed command in the diff and replace mode removes commands the preset lacks', async () => {
    await call('PUT', '/commands/hello', command('hello'));
    const changed = await call('POST', '/presets/import', { recipe: recipe([command('hello', { description: 'Changed' })]), dryRun: true });
    expect(changed.body.diff.commands.changed).toEqual([expect.objectContaining({ key: 'hello', summary: ['changes description: "Say hello" → "Changed"'] })]);
    await call('POST', '/presets/import', { recipe: recipe([]), mode: 'replace' });
    expect(await stored()).toEqual([]);
  });
});
