// Whether the guild on screen is paused (settings `paused`): loaded by the guild layout, whose banner
// shows on every page while it is, and set by the pause switches (health page, settings).
import { api, g } from './api';
import type { GuildSettingsView, PauseResult } from '$api/contract';

class GuildPauseState {
  guildId = $state<string | null>(null);
  paused = $state(false);
  saving = $state(false);

  async load(guildId: string): Promise<void> {
    if (this.guildId !== guildId) {
      this.guildId = guildId;
      this.paused = false;
    }
    try {
      const settings = await api.get<GuildSettingsView>(g(guildId, 'settings'));
      if (this.guildId === guildId) this.paused = settings.paused === true;
    } catch {
      // The banner is a hint; the pages show their own errors.
    }
  }

  /** PUT /pause; unpausing answers once the held events are paid. */
  async set(guildId: string, paused: boolean): Promise<PauseResult> {
    this.saving = true;
    try {
      const result = await api.put<PauseResult>(g(guildId, 'pause'), { paused });
      if (this.guildId === guildId) this.paused = result.paused;
      return result;
    } finally {
      this.saving = false;
    }
  }
}

export const guildPause = new GuildPauseState();
