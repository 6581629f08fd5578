// Key-by-key differences between two configurations (or two versions of a document): what an
// import would add, change and remove, and for each change the exact paths that differ.
import { isDeepStrictEqual } from 'node:util';

export interface FieldChange {
  path: string;
  before: unknown;
  after: unknown;
}

/** Every leaf path where two JSON values differ (arrays compared element by element). */
export function diffValues(before: unknown, after: unknown, path = ''): FieldChange[] {
  if (isDeepStrictEqual(before, after)) return [];
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => diffValues(before[k], after[k], path ? `${path}.${k}` : k));
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    return before.flatMap((v, i) => diffValues(v, after[i], `${path}[${i}]`));
  }
  return [{ path: path || '(root)', before: before ?? null, after: after ?? null }];
}

export interface SectionDiff {
  added: string[];
  changed: { key: string; changes: FieldChange[] }[];
  removed: string[];
  unchanged: number;
}

export function diffSection(current: readonly { key: string }[], next: readonly { key: string }[]): SectionDiff {
  const before = new Map(current.map((d) => [d.key, d]));
  const after = new Map(next.map((d) => [d.key, d]));
  const diff: SectionDiff = { added: [], changed: [], removed: [], unchanged: 0 };
  for (const [key, doc] of after) {
    const old = before.get(key);
    if (!old) diff.added.push(key);
    else {
      const changes = diffValues(old, doc);
      if (changes.length > 0) diff.changed.push({ key, changes });
      else diff.unchanged++;
    }
  }
  for (const key of before.keys()) if (!after.has(key)) diff.removed.push(key);
  diff.added.sort();
  diff.removed.sort();
  diff.changed.sort((a, b) => (a.key < b.key ? -1 : 1));
  return diff;
}

export const SECTIONS = ['currencies', 'zones', 'rules', 'milestones', 'shop'] as const;
export type Section = (typeof SECTIONS)[number];

export type ConfigDiff = Record<Section, SectionDiff> & { labels: FieldChange[]; identical: boolean };

export type ComparableConfig = { [S in Section]: readonly { key: string }[] } & { labels: Record<string, string> };

export function diffConfigs(current: ComparableConfig, next: ComparableConfig): ConfigDiff {
  const sections = Object.fromEntries(SECTIONS.map((s) => [s, diffSection(current[s], next[s])])) as Record<Section, SectionDiff>;
  const labels = diffValues(current.labels, next.labels, 'labels');
  const identical = labels.length === 0 && SECTIONS.every((s) => sections[s].added.length + sections[s].changed.length + sections[s].removed.length === 0);
  return { ...sections, labels, identical };
}
