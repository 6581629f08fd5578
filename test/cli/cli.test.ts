// The cairn command as a user runs it: JSON on stdout, one-line errors and non-zero exits.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProcess } from '../support/process.ts';
import { event } from '../rules/support.ts';
import { ALICE, BOB, GUILD } from '../support/factories.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cairn-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const cairn = (args: string[], input?: string) => runProcess(['bin/cairn.js', ...args], { DATA_DIR: join(dir, 'data') }, input);
const write = async (name: string, content: string) => {
  const file = join(dir, name);
  await writeFile(file, content);
  return file;
};

describe('cairn simulate', () => {
  it('replays events through the classic preset and prints each member\'s outcome', async () => {
    const events = [
      event('message_create', { source_id: '1', data: { length: 312, has_code_block: true } }),
      event('message_create', { source_id: '1', data: { length: 312, has_code_block: true } }),
      event('reaction_add', { source_id: '2', actor_id: BOB, target_id: ALICE, occurred_at: '2026-11-22T10:01:00.000Z' }),
    ];
    const file = await write('events.jsonl', events.map((e) => JSON.stringify(e)).join('\n') + '\n{"bad": true}\nnot json\n');
    const result = await cairn(['simulate', '--preset', 'presets/classic.json', '--events', file, '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      events: { accepted: 2, duplicate: 1, rejected: 2 },
      members: {
        [ALICE]: { balances: { xp: 25 + 3, stars: 1 + 1, gold: 0 }, levels: { xp: 1 }, milestones: [] },
        [BOB]: { balances: { xp: 2, stars: 1, gold: 0 }, levels: { xp: 1 }, milestones: [] },
      },
    });
    expect(result.stderr).toContain('rejected line 5');
  });

  it('fails with one line and exit 2 on a missing preset or bad binding', async () => {
    const missing = await cairn(['simulate', '--preset', 'nope.json', '--events', '-']);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split('\n')).toEqual(['cairn: cannot read preset nope.json: ENOENT']);
    const bad = await cairn(['simulate', '--preset', 'presets/classic.json', '--events', '-', '--bind', 'general=abc']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--bind must look like NAME=ID');
  });

  it('fails (exit 2, one line saying why) when every event was rejected, still printing the counts', async () => {
    const file = await write('all-bad.jsonl', '{"bad": true}\nnot json\n' + JSON.stringify({ ...event('message_create'), actor_id: 1 }) + '\n');
    const result = await cairn(['simulate', '--preset', 'presets/classic.json', '--events', file, '--json']);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toMatchObject({ events: { accepted: 0, duplicate: 0, rejected: 3 }, members: {} });
    const last = result.stderr.trim().split('\n').at(-1);
    expect(last).toMatch(/^cairn: every event was rejected \(3 of 3 lines\); first: line 1: /);
  });
});

describe('cairn dry-run', () => {
  it('prints the trace of an event against a preset, from stdin', async () => {
    const result = await cairn(['dry-run', '--event', '-', '--preset', 'presets/classic.json', '--json'], JSON.stringify(event('thread_create', { guild_id: GUILD })));
    expect(result.code).toBe(0);
    const trace = JSON.parse(result.stdout);
    expect(trace.rules.find((r: { rule: string }) => r.rule === 'classic.thread')).toMatchObject({ fired: true, effects: [{ currency: 'xp', amount: 20 }, { currency: 'stars', amount: 2 }] });
    expect(trace.balances[ALICE]).toEqual({ xp: { before: 0, after: 20 }, stars: { before: 0, after: 2 }, gold: { before: 0, after: 0 } });
  });

  it('refuses an invalid event with the field named', async () => {
    const result = await cairn(['dry-run', '--event', '-', '--preset', 'presets/classic.json'], JSON.stringify({ ...event('thread_create'), actor_id: 1 }));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^cairn: the event is invalid: actor_id: /);
  });

  it('needs exactly one of --preset and --guild', async () => {
    const result = await cairn(['dry-run', '--event', '-'], '{}');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('exactly one of --preset FILE or --guild ID');
  });
});

describe('cairn doctor', () => {
  it('reports a healthy ledger as JSON', async () => {
    const result = await cairn(['doctor', '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ ok: true, violations: [] });
  });
});

describe('cairn preset and cairn import', () => {
  it('diffs, refuses to apply without --yes, imports with --yes, and exports what imports back', async () => {
    const guild = ['--guild', '1160511689263947796'];
    const diff = await cairn(['preset', 'diff', 'presets/minimal-karma.json', ...guild]);
    expect(diff.code).toBe(0);
    expect(diff.stdout).toContain('+ karma.message');
    const refused = await cairn(['preset', 'import', 'presets/minimal-karma.json', ...guild]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('not applied');
    const applied = await cairn(['preset', 'import', 'presets/minimal-karma.json', ...guild, '--yes', '--json']);
    expect(applied.code).toBe(0);
    expect(JSON.parse(applied.stdout)).toMatchObject({ applied: true, summary: { rules: 2 } });
    const exported = await cairn(['preset', 'export', ...guild]);
    expect(JSON.parse(exported.stdout)).toMatchObject({ cairn_recipe: 1, key: 'minimal-karma', rules: [{ key: 'karma.message' }, { key: 'karma.voice' }] });
    const missing = await cairn(['preset', 'import', 'presets/community-engagement.json', ...guild, '--yes']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('{{role:rising_star}}');
  });

  it('imports a leaderboard export: a report by default, changes with --yes', async () => {
    const file = await write('mee6.csv', `user_id,xp\n${ALICE},42\n`);
    const guild = ['--guild', '1160511689263947796'];
    await cairn(['preset', 'import', 'presets/minimal-karma.json', ...guild, '--yes']);
    const report = await cairn(['import', 'balances', file, ...guild, '--currency', 'karma']);
    expect(report.stdout).toContain('would change 1 of 1');
    const done = await cairn(['import', 'balances', file, ...guild, '--currency', 'karma', '--yes', '--json']);
    expect(JSON.parse(done.stdout)).toMatchObject({ dryRun: false, changed: 1, net: 42 });
    expect((await cairn(['import', 'balances', file, ...guild, '--currency', 'nope', '--yes'])).code).toBe(2);
  });
});

describe('cairn backtest', () => {
  it('prints the payout difference of candidate rules as JSON, and refuses bad arguments with one line', async () => {
    const guild = ['--guild', '1160511689263947796'];
    await cairn(['preset', 'import', 'presets/minimal-karma.json', ...guild, '--yes']);
    const rules = await write('candidate.json', JSON.stringify([{ key: 'karma.bonus', name: 'bonus', trigger: { events: ['message_create'] }, effects: [{ type: 'credit', to: 'actor', currency: 'karma', amount: 1 }] }]));
    const result = await cairn(['backtest', ...guild, '--rules', rules, '--days', '7', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ guild: '1160511689263947796', days: 7, events: 0, rules: { added: ['karma.bonus'], replaced: [] }, members: {} });

    const badDays = await cairn(['backtest', ...guild, '--rules', rules, '--days', 'week']);
    expect([badDays.code, badDays.stderr.trim()]).toEqual([2, 'cairn: --days must be a whole number of days from 1 to 3650, got "week"']);
    const notArray = await cairn(['backtest', ...guild, '--rules', await write('object.json', '{}')]);
    expect([notArray.code, notArray.stderr.trim()]).toEqual([2, 'cairn: --rules must hold a JSON array of rule documents']);
    const invalid = await cairn(['backtest', ...guild, '--rules', await write('invalid.json', '[{"key":"karma.bonus"}]')]);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(/^cairn: the candidate rules are invalid: rules\[\d+\]\./);
  });
});
