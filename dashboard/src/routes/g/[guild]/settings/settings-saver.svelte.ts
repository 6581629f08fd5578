// One settings section's save: PATCH /settings with the section's change, a toast, the page's
// reload, and the error kept for the section's field messages. Every section shares it.
import { api, ApiError, g } from '$lib/api';
import { notify } from '$lib/toast.svelte';
import type { GuildSettingsChange, GuildSettingsView } from '$api/contract';

export class SettingsSaver {
  saving = $state(false);
  error = $state<ApiError | null>(null);

  constructor(
    private readonly guildId: () => string,
    private readonly saved: () => void,
  ) {}

  async save(change: GuildSettingsChange, message: string): Promise<void> {
    this.saving = true;
    this.error = null;
    try {
      await api.patch(g(this.guildId(), 'settings'), change);
      notify(message);
      this.saved();
    } catch (e) {
      this.error = e instanceof ApiError ? e : new ApiError(0, 'network', String(e));
    } finally {
      this.saving = false;
    }
  }
}

/** What the settings page gives every section: the stored settings and a reload after a save. */
export interface SectionProps {
  guildId: string;
  settings: GuildSettingsView;
  saved: () => void;
}
