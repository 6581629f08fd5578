// The names behind the ids a page shows (members, channels, roles), per guild: components ask for
// an id while rendering, the asks of one tick go to POST /names together, and the answers stay
// cached for the session. An id the server does not know is remembered as unknown (null).
import type { ChannelName, MemberName, Names, RoleName } from '$api/contract';
import { api, g } from './api';

type Kind = 'members' | 'channels' | 'roles';
/** Most ids of one kind per request (the server's limit). */
const BATCH = 500;
const SNOWFLAKE = /^\d{1,20}$/;

export class NameBook {
  members = $state<Record<string, MemberName | null>>({});
  channels = $state<Record<string, ChannelName | null>>({});
  roles = $state<Record<string, RoleName | null>>({});
  // Plain sets: filled while a component renders, where changing state is not allowed.
  #wanted: Record<Kind, Set<string>> = { members: new Set(), channels: new Set(), roles: new Set() };
  #asked = new Set<string>();
  #scheduled = false;

  constructor(readonly guildId: string) {}

  /** The member's names: undefined while asked, null when unknown. */
  member = (id: string): MemberName | null | undefined => this.#get('members', id);
  channel = (id: string): ChannelName | null | undefined => this.#get('channels', id);
  role = (id: string): RoleName | null | undefined => this.#get('roles', id);

  /** Names the page already has (e.g. from the directory or a member search), so none is asked again. */
  remember(known: Partial<Names>) {
    for (const kind of ['members', 'channels', 'roles'] as const) {
      for (const [id, value] of Object.entries(known[kind] ?? {})) {
        this.#asked.add(`${kind}:${id}`);
        (this[kind] as Record<string, unknown>)[id] = value;
      }
    }
  }

  #get<K extends Kind>(kind: K, id: string): NameBook[K][string] | undefined {
    const known = this[kind][id];
    if (known !== undefined) return known as NameBook[K][string];
    if (SNOWFLAKE.test(id) && !this.#asked.has(`${kind}:${id}`)) {
      this.#asked.add(`${kind}:${id}`);
      this.#wanted[kind].add(id);
      if (!this.#scheduled) {
        this.#scheduled = true;
        setTimeout(() => void this.#flush(), 0);
      }
    }
    return undefined;
  }

  async #flush() {
    this.#scheduled = false;
    const take = (kind: Kind) => {
      const ids = [...this.#wanted[kind]].slice(0, BATCH);
      for (const id of ids) this.#wanted[kind].delete(id);
      return ids;
    };
    const body = { members: take('members'), channels: take('channels'), roles: take('roles') };
    if (Object.values(this.#wanted).some((s) => s.size > 0)) {
      this.#scheduled = true;
      setTimeout(() => void this.#flush(), 0);
    }
    let found: Names;
    try {
      found = await api.post<Names>(g(this.guildId, 'names'), body);
    } catch {
      // Names are a nicety: on failure the ids stay shortened, and are asked again on the next page.
      for (const kind of ['members', 'channels', 'roles'] as const) for (const id of body[kind]) this.#asked.delete(`${kind}:${id}`);
      return;
    }
    for (const kind of ['members', 'channels', 'roles'] as const) {
      for (const id of body[kind]) (this[kind] as Record<string, unknown>)[id] = found[kind][id] ?? null;
    }
  }
}

const books = new Map<string, NameBook>();

export function namesFor(guildId: string): NameBook {
  let book = books.get(guildId);
  if (!book) {
    book = new NameBook(guildId);
    books.set(guildId, book);
  }
  return book;
}

/** "…5432 1098" style: enough of an id to tell two apart, never the whole 18 digits as text. */
export const shortId = (id: string): string => (id.length > 8 ? `…${id.slice(-6)}` : id);

/** The member's name as text ("Alice"), or their shortened id. */
export const memberText = (m: MemberName | null | undefined, id: string): string => m?.displayName ?? m?.username ?? shortId(id);

/** `#rrggbb` for a role colour, or null for "no colour". */
export const roleColor = (color: number | null | undefined): string | null => (color ? `#${color.toString(16).padStart(6, '0')}` : null);
