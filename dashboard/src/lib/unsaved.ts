// Leaving a page with unsaved changes asks first: a link or Back inside the panel with a confirm(),
// closing or reloading the tab with the browser's own question (beforeunload, through SvelteKit's
// "leave" navigation). Call during a component's initialisation.
import { beforeNavigate } from '$app/navigation';

export const LEAVE_QUESTION = 'You have unsaved changes. Leave this page and lose them?';

export interface LeaveGuard {
  /** The next navigation goes ahead without asking (after a save, or when the edits travel along). */
  letNextPass(): void;
}

export function confirmLeaving(isDirty: () => boolean): LeaveGuard {
  let pass = false;
  beforeNavigate((navigation) => {
    if (pass) {
      pass = false;
      return;
    }
    if (!isDirty()) return;
    // Closing the tab or leaving the site: cancelling makes the browser ask (beforeunload).
    if (navigation.type === 'leave') navigation.cancel();
    else if (!confirm(LEAVE_QUESTION)) navigation.cancel();
  });
  return {
    letNextPass() {
      pass = true;
    },
  };
}
