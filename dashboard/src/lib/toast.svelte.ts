// Short notices after an action ("Rule saved"), read by screen readers through a live region.
export interface Toast {
  id: number;
  kind: 'ok' | 'error';
  text: string;
}

let next = 1;
export const toasts = $state<Toast[]>([]);

export function notify(text: string, kind: Toast['kind'] = 'ok') {
  const id = next++;
  toasts.push({ id, kind, text });
  setTimeout(() => {
    const i = toasts.findIndex((t) => t.id === id);
    if (i >= 0) toasts.splice(i, 1);
  }, 4000);
}
