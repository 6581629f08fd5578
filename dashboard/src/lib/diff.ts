// Key-by-key differences between two JSON documents (rule versions), as flat paths.
export interface Change {
  path: string;
  kind: 'added' | 'removed' | 'changed';
  before?: unknown;
  after?: unknown;
}

function flatten(value: unknown, path: string, out: Map<string, unknown>) {
  if (Array.isArray(value) && value.length > 0) value.forEach((v, i) => flatten(v, `${path}[${i}]`, out));
  else if (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length > 0) {
    for (const [k, v] of Object.entries(value)) flatten(v, path ? `${path}.${k}` : k, out);
  } else out.set(path || '(root)', value);
}

export function diff(before: unknown, after: unknown): Change[] {
  const a = new Map<string, unknown>();
  const b = new Map<string, unknown>();
  flatten(before, '', a);
  flatten(after, '', b);
  const changes: Change[] = [];
  for (const [path, v] of a) {
    if (!b.has(path)) changes.push({ path, kind: 'removed', before: v });
    else if (JSON.stringify(v) !== JSON.stringify(b.get(path))) changes.push({ path, kind: 'changed', before: v, after: b.get(path) });
  }
  for (const [path, v] of b) if (!a.has(path)) changes.push({ path, kind: 'added', after: v });
  return changes.sort((x, y) => x.path.localeCompare(y.path, 'en', { numeric: true }));
}
