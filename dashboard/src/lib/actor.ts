// Who made a change, from the audit log's actor text (written by src/api/routes/helpers.ts actorOf
// and the bot): "operator", "discord:<id> (<name>)", "token:<id> (<name>)", or a word naming a part
// of Cairn ("cli", "demo", "cairn (quarantine)"); a rollback appends " (rollback to …)".
export type Actor =
  | { kind: 'member'; id: string; name: string; note: string | null }
  | { kind: 'token'; name: string; note: string | null }
  | { kind: 'operator'; note: string | null }
  | { kind: 'cairn'; text: string };

const NOTE = /^(.*?)(?: \((rollback to [^)]*)\))?$/;

export function parseActor(actor: string): Actor {
  const [, main = actor, note = null] = NOTE.exec(actor) ?? [];
  if (main === 'operator') return { kind: 'operator', note };
  const member = /^discord:(\d+) \((.*)\)$/.exec(main);
  if (member) return { kind: 'member', id: member[1]!, name: member[2]!, note };
  const token = /^token:[^ ]+ \((.*)\)$/.exec(main);
  if (token) return { kind: 'token', name: token[1]!, note };
  return { kind: 'cairn', text: actor };
}
