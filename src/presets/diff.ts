// Key-by-key differences between two configurations (or two versions of a document): what an
// import would add, change, remove (replace mode) or keep (merge mode), and for each change the
// exact paths that differ and a sentence a person can read.
import { isDeepStrictEqual } from 'node:util';

export interface FieldChange {
  path: string;
  before: unknown;
  after: unknown;
}

/** Every leaf path where two JSON values differ (arrays compared element by element). */
export function diffValues(before: unknown, after: unknown, path = ''): FieldChange[] {
  if (isDeepStrictEqual(before, after)) return [];
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => diffValues(before[k], after[k], path ? `${path}.${k}` : k));
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    return before.flatMap((v, i) => diffValues(v, after[i], `${path}[${i}]`));
  }
  return [{ path: path || '(root)', before: before ?? null, after: after ?? null }];
}

/** One entry the import changes: every leaf path that differs, and the same in plain words. */
export interface EntryChange {
  key: string;
  changes: FieldChange[];
  /** One sentence per top-level field, e.g. "replaces the level curve: exponential … → polynomial …". */
  summary: string[];
}

export interface SectionDiff {
  added: string[];
  /** Entries the guild has and the recipe defines differently: the import overwrites them. */
  changed: EntryChange[];
  /** Entries the recipe does not define that the import deletes (replace mode only). */
  removed: string[];
  /** Entries the recipe does not define that stay as they are (merge mode only). */
  kept: string[];
  unchanged: number;
}

export type ImportMode = 'merge' | 'replace';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function short(value: unknown): string | undefined {
  const text = value === undefined ? 'nothing' : JSON.stringify(value);
  return text.length <= 60 ? text : undefined;
}

/** A level curve in a few words: "exponential 100 × 1.25^level from level 1, on the balance". */
export function describeCurve(curve: unknown): string {
  if (!isObject(curve)) return 'none';
  const formula =
    curve.kind === 'exponential' ? `exponential ${String(curve.base)} × ${String(curve.factor)}^level`
    : curve.kind === 'polynomial' ? `polynomial (${Array.isArray(curve.coefficients) ? curve.coefficients.join(', ') : '?'})`
    : curve.kind === 'table' ? `a table of ${Array.isArray(curve.thresholds) ? curve.thresholds.length : '?'} thresholds`
    : String(curve.kind);
  const rewards = Array.isArray(curve.rewards) && curve.rewards.length > 0 ? `, ${curve.rewards.length} role reward(s)` : '';
  return `${formula} from level ${String(curve.start_level ?? 1)}, on the ${curve.based_on === 'balance' ? 'balance' : 'lifetime total'}${rewards}`;
}

/** The changes of one entry in plain words, one sentence per top-level field. */
function summarise(before: Record<string, unknown>, after: Record<string, unknown>, changes: FieldChange[]): string[] {
  const fields = [...new Set(changes.map((c) => c.path.split(/[.[]/)[0]!))];
  return fields.map((field) => {
    const [b, a] = [before[field], after[field]];
    if (field === 'level_curve') {
      if (!isObject(b)) return `adds a level curve: ${describeCurve(a)}`;
      if (!isObject(a)) return `removes the level curve (${describeCurve(b)}): levels stop counting`;
      return `replaces the level curve: ${describeCurve(b)} → ${describeCurve(a)}`;
    }
    const [sb, sa] = [short(b), short(a)];
    return sb !== undefined && sa !== undefined ? `changes ${field}: ${sb} → ${sa}` : `changes ${field}`;
  });
}

/**
 * What importing `next` over `current` does to one section. In merge mode nothing is removed: the
 * entries the recipe lacks are listed as kept; in replace mode they are listed as removed.
 */
export function diffSection(current: readonly { key: string }[], next: readonly { key: string }[], mode: ImportMode = 'merge'): SectionDiff {
  const before = new Map(current.map((d) => [d.key, d]));
  const after = new Map(next.map((d) => [d.key, d]));
  const diff: SectionDiff = { added: [], changed: [], removed: [], kept: [], unchanged: 0 };
  for (const [key, doc] of after) {
    const old = before.get(key);
    if (!old) diff.added.push(key);
    else {
      const changes = diffValues(old, doc);
      if (changes.length > 0) diff.changed.push({ key, changes, summary: summarise(old as Record<string, unknown>, doc as Record<string, unknown>, changes) });
      else diff.unchanged++;
    }
  }
  const absent = [...before.keys()].filter((key) => !after.has(key)).sort();
  if (mode === 'replace') diff.removed = absent;
  else diff.kept = absent;
  diff.added.sort();
  diff.changed.sort((a, b) => (a.key < b.key ? -1 : 1));
  return diff;
}

export const SECTIONS = ['currencies', 'zones', 'rules', 'milestones', 'shop', 'commands', 'faq'] as const;
export type Section = (typeof SECTIONS)[number];

/**
 * `modules`: the change of disabled_modules (the modules switched off), if any; `settings`: the
 * changes of the settings sections a recipe carries (settings.tickets…), path by path.
 */
export type ConfigDiff = Record<Section, SectionDiff> & { mode: ImportMode; labels: FieldChange[]; modules: FieldChange[]; settings: FieldChange[]; identical: boolean };

export type ComparableConfig = { [S in Section]: readonly { key: string }[] } & { labels: Record<string, string>; disabled_modules?: readonly string[] | undefined; settings?: Record<string, unknown> };

/** The import's effect on a guild's configuration; `identical` means applying it writes nothing. */
export function diffConfigs(current: ComparableConfig, next: ComparableConfig, mode: ImportMode = 'merge'): ConfigDiff {
  const sections = Object.fromEntries(SECTIONS.map((s) => [s, diffSection(current[s], next[s], mode)])) as Record<Section, SectionDiff>;
  const labels = diffValues(current.labels, next.labels, 'labels');
  // A recipe without disabled_modules keeps the guild's in merge mode and switches all on in replace mode.
  const nextModules = next.disabled_modules ?? (mode === 'replace' ? [] : current.disabled_modules);
  const modules = diffValues([...(current.disabled_modules ?? [])].sort(), [...(nextModules ?? [])].sort(), 'disabled_modules');
  // A settings section the recipe lacks is kept (merge) or removed, back to its defaults (replace).
  const before = current.settings ?? {};
  const after = next.settings ?? {};
  const settings = [...new Set([...Object.keys(before), ...Object.keys(after)])]
    .sort()
    .flatMap((k) => diffValues(before[k], after[k] ?? (mode === 'replace' ? undefined : before[k]), `settings.${k}`));
  const identical = labels.length === 0 && modules.length === 0 && settings.length === 0 && SECTIONS.every((s) => sections[s].added.length + sections[s].changed.length + sections[s].removed.length === 0);
  return { ...sections, mode, labels, modules, settings, identical };
}
