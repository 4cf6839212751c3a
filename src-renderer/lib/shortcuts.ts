// Keyboard shortcuts of the shell: `g l` library, 1–9 views, `/` the view's filter or query box,
// `t` theme, `?` help, Esc closes. Keys typed into text fields are left alone (except Esc).

import { router } from './router.svelte.ts';
import { ARTEFACT_VIEWS } from './views.ts';

export interface ShortcutActions {
  help(): void;
  escape(): void;
  theme(): void;
}

/** Time allowed between the two keys of `g l`. */
const CHORD_MS = 1200;
let pendingG = 0;

function typingInto(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
}

export function handleShortcut(e: KeyboardEvent, actions: ShortcutActions): void {
  if (e.key === 'Escape') {
    actions.escape();
    if (typingInto(e.target)) (e.target as HTMLElement).blur();
    return;
  }
  if (typingInto(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
  const chord = performance.now() - pendingG < CHORD_MS;
  pendingG = 0;
  if (chord && e.key === 'l') {
    router.go('library');
  } else if (e.key === 'g') {
    pendingG = performance.now();
  } else if (/^[1-9]$/.test(e.key)) {
    const view = ARTEFACT_VIEWS[Number(e.key) - 1];
    if (view && router.lastArtefact) router.go(view.id);
  } else if (e.key === '/') {
    const box = document.querySelector<HTMLElement>('[data-filter]');
    if (box) {
      e.preventDefault();
      box.focus();
    }
  } else if (e.key === '?') {
    actions.help();
  } else if (e.key === 't') {
    actions.theme();
  } else {
    return;
  }
  e.preventDefault();
}
