// Copies a Discord id to the clipboard and says so (or shows the id when the browser refuses).
import { notify } from '$lib/toast.svelte';

export async function copyId(event: MouseEvent, id: string, label: string, what: string): Promise<void> {
  event.preventDefault();
  event.stopPropagation();
  try {
    await navigator.clipboard.writeText(id);
    notify(`Copied the id of ${label}`);
  } catch {
    notify(`Copy failed; the ${what} id is ${id}`, 'error');
  }
}
