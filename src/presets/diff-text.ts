// A diff as text for terminals: + added, ~ changed (in words, then path: before → after),
// - removed (replace mode), = kept (merge mode: not in the recipe, left as it is).
import { SECTIONS, type ConfigDiff } from './diff.ts';

const show = (v: unknown) => {
  const text = JSON.stringify(v);
  return text === undefined ? 'nothing' : text.length > 80 ? `${text.slice(0, 77)}...` : text;
};

export function diffText(diff: ConfigDiff): string {
  const kept = SECTIONS.flatMap((s) => diff[s].kept.map((k) => `${s} ${k}`));
  if (diff.identical) return kept.length > 0 ? `no changes (kept as they are, not in the recipe: ${kept.join(', ')})` : 'no changes: the guild already has this configuration';
  const lines: string[] = [];
  for (const section of SECTIONS) {
    const d = diff[section];
    if (d.added.length + d.changed.length + d.removed.length + d.kept.length === 0) continue;
    lines.push(`${section}:`);
    for (const key of d.added) lines.push(`  + ${key}`);
    for (const c of d.changed) {
      lines.push(`  ~ ${c.key}: ${c.summary.join('; ')}`);
      for (const change of c.changes) lines.push(`      ${change.path}: ${show(change.before)} → ${show(change.after)}`);
    }
    for (const k of d.removed) lines.push(`  - ${k}`);
    for (const k of d.kept) lines.push(`  = ${k} (kept: not in the recipe; --mode replace removes it)`);
  }
  for (const change of diff.labels) lines.push(`labels: ${change.path}: ${show(change.before)} → ${show(change.after)}`);
  for (const change of diff.settings) lines.push(`settings: ${change.path}: ${show(change.before)} → ${show(change.after)}`);
  for (const change of diff.modules) lines.push(`modules switched off: ${change.path}: ${show(change.before)} → ${show(change.after)}`);
  return lines.join('\n');
}

