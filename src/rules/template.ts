// Message templates: {{path.to.value}} replaced from the evaluation context, e.g.
// "{{actor.mention}} reached level {{event.data.level}}!". Unknown paths render as empty text.
const PLACEHOLDER = /\{\{\s*([a-zA-Z0-9_.]+)\s*\}\}/g;

export function renderTemplate(template: string, values: Record<string, unknown>): string {
  return template.replace(PLACEHOLDER, (_, path: string) => {
    let current: unknown = values;
    for (const part of path.split('.')) {
      if (current === null || typeof current !== 'object' || part === '__proto__' || part === 'constructor') return '';
      current = (current as Record<string, unknown>)[part];
    }
    if (current === null || current === undefined) return '';
    return typeof current === 'object' ? JSON.stringify(current) : String(current);
  });
}
