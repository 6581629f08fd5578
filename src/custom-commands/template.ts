// Reply templates of custom commands: `{member}`, `{member.name}`, `{channel}`, `{command}`,
// `{option.NAME}` and `{balance.CURRENCY}`, checked when a command is saved and filled in when it
// runs. Anything else in braces is refused on save, so a typo never reaches a member.
import type { CustomCommand } from './schema.ts';

const PLACEHOLDER = /\{([a-z]+)(?:\.([-_\p{L}\p{N}]{1,32}))?\}/gu;

export type Placeholder =
  | { kind: 'member' | 'member.name' | 'channel' | 'command' }
  | { kind: 'option'; name: string }
  | { kind: 'balance'; currency: string };

export interface TemplateProblem {
  path: string;
  message: string;
}

function parse(head: string, tail: string | undefined): Placeholder | undefined {
  if (tail === undefined && (head === 'member' || head === 'channel' || head === 'command')) return { kind: head };
  if (head === 'member' && tail === 'name') return { kind: 'member.name' };
  if (head === 'option' && tail) return { kind: 'option', name: tail };
  if (head === 'balance' && tail) return { kind: 'balance', currency: tail };
  return undefined;
}

/** The placeholders a template uses (unknown ones left out). */
export function placeholdersIn(template: string): Placeholder[] {
  return [...template.matchAll(PLACEHOLDER)].flatMap((m) => parse(m[1]!, m[2]) ?? []);
}

/** The currencies a template reads balances of. */
export function balancesIn(template: string): string[] {
  return [...new Set(placeholdersIn(template).flatMap((p) => (p.kind === 'balance' ? [p.currency] : [])))];
}

/** Unknown placeholders, options the command lacks and currencies the guild lacks. */
export function checkTemplate(command: CustomCommand, currencies: ReadonlySet<string>): TemplateProblem[] {
  const path = 'reply.template';
  const options = new Set(command.options.map((o) => o.name));
  const problems: TemplateProblem[] = [];
  for (const m of command.reply.template.matchAll(PLACEHOLDER)) {
    const p = parse(m[1]!, m[2]);
    if (!p) problems.push({ path, message: `${m[0]} is not a placeholder; use {member}, {member.name}, {channel}, {command}, {option.NAME} or {balance.CURRENCY}` });
    else if (p.kind === 'option' && !options.has(p.name)) problems.push({ path, message: `${m[0]}: the command has no option "${p.name}"` });
    else if (p.kind === 'balance' && !currencies.has(p.currency)) problems.push({ path, message: `${m[0]}: the guild has no currency "${p.currency}"` });
  }
  return problems;
}

/** What a template is filled with when the command runs. */
export interface TemplateValues {
  memberId: string;
  memberName: string;
  channelId: string | null;
  command: string;
  /** Option values as Discord sent them (ids as strings). */
  options: Record<string, string | number | boolean | null>;
  balances: Record<string, number>;
}

function optionText(command: CustomCommand, name: string, value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '—';
  const type = command.options.find((o) => o.name === name)?.type;
  if (type === 'member') return `<@${String(value)}>`;
  if (type === 'channel') return `<#${String(value)}>`;
  if (type === 'role') return `<@&${String(value)}>`;
  // A choice shows its name, as the member picked it.
  const choice = command.options.find((o) => o.name === name)?.choices.find((c) => c.value === value);
  return choice ? choice.name : typeof value === 'number' ? value.toLocaleString('en-US') : String(value);
}

/** The reply: every known placeholder replaced, the rest left as typed; at most 4,000 characters. */
export function renderTemplate(command: CustomCommand, values: TemplateValues): string {
  const text = command.reply.template.replace(PLACEHOLDER, (whole, head: string, tail: string | undefined) => {
    const p = parse(head, tail);
    if (!p) return whole;
    switch (p.kind) {
      case 'member':
        return `<@${values.memberId}>`;
      case 'member.name':
        return values.memberName;
      case 'channel':
        return values.channelId ? `<#${values.channelId}>` : '—';
      case 'command':
        return `/${values.command}`;
      case 'option':
        return optionText(command, p.name, values.options[p.name]);
      case 'balance':
        return (values.balances[p.currency] ?? 0).toLocaleString('en-US');
    }
  });
  return text.slice(0, 4000);
}
