// A diff as text for terminals: + added, ~ changed (path: before → after), - removed.
import { SECTIONS, type ConfigDiff } from './diff.ts';

const show = (v: unknown) => {
  const text = JSON.stringify(v);
  return text === undefined ? 'nothing' : text.length > 80 ? `${text.slice(0, 77)}...` : text;
};

export function diffText(diff: ConfigDiff, mode: 'merge' | 'replace' = 'merge'): string {
  if (diff.identical) return 'no changes: the guild already has this configuration';
  const lines: string[] = [];
  for (const section of SECTIONS) {
    const d = diff[section];
    if (d.added.length + d.changed.length + d.removed.length === 0) continue;
    lines.push(`${section}:`);
    for (const key of d.added) lines.push(`  + ${key}`);
    for (const c of d.changed) {
      lines.push(`  ~ ${c.key}`);
      for (const change of c.changes) lines.push(`      ${change.path}: ${show(change.before)} → ${show(change.after)}`);
    }
    for (const k of d.removed) lines.push(`  - ${k}${mode === 'merge' ? ' (kept: not in the recipe; --mode replace removes it)' : ''}`);
  }
  for (const change of diff.labels) lines.push(`labels: ${change.path}: ${show(change.before)} → ${show(change.after)}`);
  return lines.join('\n');
}

