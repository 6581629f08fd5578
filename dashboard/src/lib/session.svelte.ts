// Who is logged in and which guild the panel shows: loaded once by the root layout.
import { api, setCsrfToken } from './api';
import type { Guild, Principal } from '$api/contract';

class Session {
  principal = $state<Principal | null>(null);
  guilds = $state<Guild[]>([]);
  loginMethods = $state<string[]>(['token']);

  /** Asks the API who we are; false when not logged in. */
  async probe(): Promise<boolean> {
    try {
      const me = await api.get<{ principal: Principal; csrfToken: string | null }>('/auth/me', undefined, { allowUnauthorized: true });
      this.principal = me.principal;
      setCsrfToken(me.csrfToken);
      this.guilds = await api.get<Guild[]>('/guilds');
      return true;
    } catch {
      this.principal = null;
      return false;
    }
  }

  async loginWithToken(token: string) {
    const res = await api.post<{ principal: Principal; csrfToken: string }>('/auth/login', { token }, { allowUnauthorized: true });
    setCsrfToken(res.csrfToken);
    this.principal = res.principal;
    this.guilds = await api.get<Guild[]>('/guilds');
  }

  async logout() {
    try {
      await api.post('/auth/logout', {}, { allowUnauthorized: true });
    } finally {
      this.principal = null;
      this.guilds = [];
      setCsrfToken(null);
    }
  }

  guild(id: string | undefined): Guild | undefined {
    return this.guilds.find((g) => g.id === id);
  }
}

export const session = new Session();
