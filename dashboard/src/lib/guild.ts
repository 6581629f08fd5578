// The guild of the page being shown (from the URL /g/<guild>/…).
import { page } from '$app/state';

export function currentGuild(): string {
  const id = page.params.guild;
  if (!id) throw new Error('currentGuild() used outside /g/[guild]');
  return id;
}
