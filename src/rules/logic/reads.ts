// Which context variables a JSON Logic expression reads (`{"var": "ai_quality"}`, `{"var":
// ["ai_quality", 0]}`), found once at compile time so costly signals are computed only for
// rules that ask for them.
export function readsVar(expr: unknown, name: string): boolean {
  if (Array.isArray(expr)) return expr.some((e) => readsVar(e, name));
  if (typeof expr !== 'object' || expr === null) return false;
  for (const [op, args] of Object.entries(expr)) {
    if (op === 'var') {
      const path = Array.isArray(args) ? args[0] : args;
      if (typeof path === 'string' && (path === name || path.startsWith(`${name}.`))) return true;
    }
    if (readsVar(args, name)) return true;
  }
  return false;
}
