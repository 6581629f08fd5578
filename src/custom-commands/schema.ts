// A custom slash command as data: what Discord shows (name, description, typed options with
// choices), who may run it, a cooldown per member, the reply template and the module it belongs to.
// Name and size rules are Discord's, so a document that passes here registers there.
import { z } from 'zod';
import { wholeNumber } from '../config/ranges.ts';
import { DisplayName } from '../config/text.ts';
import { ModuleName } from '../guilds/modules.ts';
import { IdOrPlaceholder } from '../rules/schema.ts';

/** Discord's rule for command and option names (lower case where the script has case). */
const NAME = /^[-_\p{L}\p{N}]{1,32}$/u;
export const CommandName = z
  .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be text') })
  .min(1, { error: 'must not be empty' })
  .max(32, { error: 'must be at most 32 characters' })
  .regex(NAME, { error: 'letters, digits, - and _ only (no spaces), at most 32' })
  .refine((s) => s === s.toLowerCase(), { error: 'must be lower case' });

/** Discord's integer options hold -(2^53 - 1)…2^53 - 1. */
const OptionInteger = wholeNumber(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);

export const OPTION_TYPES = ['string', 'integer', 'member', 'channel', 'role'] as const;
export type OptionType = (typeof OPTION_TYPES)[number];

const Choice = z.object({ name: DisplayName(100), value: z.union([DisplayName(100), OptionInteger]) }).strict();

export const CommandOptionSchema = z
  .object({
    name: CommandName,
    description: DisplayName(100),
    type: z.enum(OPTION_TYPES, { error: `must be one of ${OPTION_TYPES.join(', ')}` }),
    required: z.boolean().default(false),
    /** Fixed values to pick from (string and integer options only). */
    choices: z.array(Choice).max(25, { error: 'at most 25 choices' }).default([]),
  })
  .strict()
  .superRefine((option, ctx) => {
    if (option.choices.length === 0) return;
    if (option.type !== 'string' && option.type !== 'integer') {
      ctx.addIssue({ code: 'custom', path: ['choices'], message: `${option.type} options cannot have choices (only string and integer ones)` });
      return;
    }
    option.choices.forEach((choice, i) => {
      const ok = option.type === 'string' ? typeof choice.value === 'string' : typeof choice.value === 'number';
      if (!ok) ctx.addIssue({ code: 'custom', path: ['choices', i, 'value'], message: option.type === 'string' ? 'must be text (the option is a string)' : 'must be a whole number (the option is an integer)' });
    });
  });

export const ACCESS = ['everyone', 'roles', 'admins'] as const;

export const CustomCommandSchema = z
  .object({
    name: CommandName,
    description: DisplayName(100),
    /** The feature it belongs to: a disabled module's commands are not registered. */
    module: ModuleName.default('general'),
    options: z.array(CommandOptionSchema).max(25, { error: 'at most 25 options' }).default([]),
    /** everyone; members with one of `roles` (and admins); or Cairn admins only. */
    access: z.enum(ACCESS, { error: `must be one of ${ACCESS.join(', ')}` }).default('everyone'),
    roles: z.array(IdOrPlaceholder).max(25, { error: 'at most 25 roles' }).default([]),
    /** Seconds a member waits between two uses; 0 = none. At most 30 days. */
    cooldown_seconds: wholeNumber(0, 30 * 86_400).default(0),
    reply: z
      .object({
        /** Placeholders: {member}, {member.name}, {channel}, {command}, {option.NAME}, {balance.CURRENCY}. */
        template: z
          .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be text') })
          .min(1, { error: 'must not be empty' })
          .max(2000, { error: 'must be at most 2,000 characters' })
          .refine((s) => !s.includes('\u0000'), { error: 'must not contain NUL characters' }),
        ephemeral: z.boolean().default(true),
      })
      .strict(),
  })
  .strict()
  .superRefine((command, ctx) => {
    const seen = new Map<string, number>();
    command.options.forEach((option, i) => {
      const first = seen.get(option.name);
      if (first !== undefined) ctx.addIssue({ code: 'custom', path: ['options', i, 'name'], message: `"${option.name}" is already options[${first}]` });
      else seen.set(option.name, i);
    });
    // Discord refuses a required option after an optional one.
    let optionalSeen = false;
    command.options.forEach((option, i) => {
      if (!option.required) optionalSeen = true;
      else if (optionalSeen) ctx.addIssue({ code: 'custom', path: ['options', i, 'required'], message: 'required options must come before optional ones' });
    });
    if (command.access === 'roles' && command.roles.length === 0) ctx.addIssue({ code: 'custom', path: ['roles'], message: 'list at least one role when access is "roles"' });
  });

export type CustomCommandInput = z.input<typeof CustomCommandSchema>;
export type CustomCommand = z.output<typeof CustomCommandSchema>;
export type CommandOption = z.output<typeof CommandOptionSchema>;
