// Where the user is: the view and the artefact, kept in the URL's hash (#/overview/<hash>), so
// reloads, back/forward and Electron's file:// pages all work the same.

import type { ViewId } from './views.ts';

export interface Route {
  view: ViewId;
  /** Content hash of the artefact the view is about (null for the library). */
  artefact: string | null;
}

function parse(hash: string): Route {
  const [view, artefact] = hash.replace(/^#\/?/, '').split('/');
  const known: ViewId[] = ['library', 'triage', 'overview', 'timeline', 'goroutines', 'gc', 'blocking', 'leaks', 'profiles', 'diff', 'sql'];
  const v = known.includes(view as ViewId) ? (view as ViewId) : 'library';
  // The Triage view's artefacts are a set (triage-link.ts), not the one the other views are about.
  return { view: v, artefact: v === 'library' || v === 'triage' ? null : artefact || null };
}

class Router {
  route = $state<Route>(parse(window.location.hash));
  /** The artefact last opened: number keys switch views about it. */
  lastArtefact = $state<string | null>(this.route.artefact);

  constructor() {
    window.addEventListener('hashchange', () => {
      this.route = parse(window.location.hash);
      if (this.route.artefact) this.lastArtefact = this.route.artefact;
    });
  }

  go(view: ViewId, artefact: string | null = this.lastArtefact): void {
    window.location.hash = view === 'library' || !artefact ? '#/library' : `#/${view}/${artefact}`;
  }

  /** Forgets an artefact that was removed. */
  forget(hash: string): void {
    if (this.lastArtefact === hash) this.lastArtefact = null;
    if (this.route.artefact === hash) this.go('library');
  }
}

export const router = new Router();
