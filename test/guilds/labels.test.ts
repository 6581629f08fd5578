// The taxonomy's rules without a database: a currency label replaces the currency's name, a term
// falls back to Cairn's word, stored text that is not a valid label never shows, and a change may
// only name the guild's currencies and the known terms.
import { describe, expect, it } from 'vitest';
import { labelProblems, labelsFor, LabelsSetting } from '../../src/guilds/labels.ts';

const xp = { key: 'xp', name: 'Experience', symbol: '✦' };

describe('labelsFor', () => {
  it('names a currency by its label, else by its own name, with its symbol when asked', () => {
    const labels = labelsFor({ labels: { xp: 'Sparks' } });
    expect(labels.currency(xp)).toBe('Sparks');
    expect(labels.currencyWithSymbol(xp)).toBe('✦ Sparks');
    expect(labels.currency({ key: 'gold', name: 'Gold' })).toBe('Gold');
  });

  it('uses the default words for terms without a label', () => {
    expect(labelsFor({}).term('milestones')).toBe('Milestones');
    expect(labelsFor(undefined).term('level')).toBe('Level');
    expect(labelsFor({ labels: { milestones: 'Achievements' } }).term('milestones')).toBe('Achievements');
  });

  it('never shows stored text that is not a valid label, nor a term as a currency name', () => {
    const labels = labelsFor({ labels: { xp: 'a\u0000b', milestones: '', level: 'x'.repeat(65), gold: 7 } });
    expect(labels.currency(xp)).toBe('Experience');
    expect(labels.term('milestones')).toBe('Milestones');
    expect(labels.term('level')).toBe('Level');
    expect(labelsFor({ labels: { level: 'Tier' } }).currency({ key: 'level', name: 'Level points' })).toBe('Level points');
    expect(labelsFor({ labels: ['Sparks'] }).currency(xp)).toBe('Experience');
  });
});

describe('validating labels', () => {
  it('accepts the guild’s currency keys and the terms, and names every other key', () => {
    expect(labelProblems({ xp: 'Sparks', milestones: 'Trophies', level: 'Tier' }, ['xp'])).toEqual([]);
    expect(labelProblems({ gems: 'Gems', badges: 'Badges' }, ['xp']).map((p) => p.path)).toEqual(['labels.gems', 'labels.badges']);
  });

  it('refuses empty, long, multi-line and NUL text, and keys that are not keys', () => {
    for (const value of ['', '   ', 'x'.repeat(65), 'a\nb', 'a\u0000b']) expect(LabelsSetting.safeParse({ xp: value }).success).toBe(false);
    expect(LabelsSetting.safeParse({ 'Not A Key': 'x' }).success).toBe(false);
    expect(LabelsSetting.parse({ xp: '  Sparks ' })).toEqual({ xp: 'Sparks' });
  });
});
