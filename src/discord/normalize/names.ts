// Names from the gateway on their way to the directory. Channel and role names must be storable as
// sent (an entry that is not is reported and skipped); member and guild names are cleaned instead,
// because skipping a member would also lose the roles that rule filters read.
import { z } from 'zod';
import { unstorableText } from '../../db/storable.ts';

/** Discord allows 100 characters in channel, role and guild names (32 in member names). */
export const MAX_NAME = 100;

// eslint-disable-next-line no-control-regex -- NUL is exactly what must go
const SUSPECT = /[\u0000\ud800-\udfff]/;
// eslint-disable-next-line no-control-regex -- NUL is exactly what must go
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** A name as sent, refused when too long or when Postgres cannot store it. */
export const DirectoryName = z.string().superRefine((name, ctx) => {
  if (name.length === 0) ctx.addIssue({ code: 'custom', message: 'must not be empty' });
  else if (name.length > MAX_NAME * 2 || [...name].length > MAX_NAME) ctx.addIssue({ code: 'custom', message: `must be at most ${MAX_NAME} characters` });
  else {
    const problem = unstorableText(name);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }
});

/** Discord's `position`: a small integer (anything else is a hostile payload). */
export const Position = z.number().int().min(-2_147_483_648).max(2_147_483_647).default(0);

/** A name cleaned to what can be stored and shown: NULs and broken surrogates dropped, at most `max` characters; null when nothing is left. */
export function storableName(value: string | null | undefined, max = MAX_NAME): string | null {
  if (!value) return null;
  // Most names: short, no NUL, no surrogate at all (an emoji is a surrogate pair): kept as they are.
  if (value.length <= max && !SUSPECT.test(value)) return value;
  const cleaned = value.slice(0, max * 2).replace(UNSTORABLE, '');
  const name = [...cleaned].slice(0, max).join('');
  return name.length > 0 ? name : null;
}
