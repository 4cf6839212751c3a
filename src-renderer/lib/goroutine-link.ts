// Links to one goroutine's detail in the Goroutines view, for any view (the Leaks view's sample
// goroutines). The goroutine rides in the URL's hash after the artefact (#/goroutines/<hash>/g<id>),
// which the router ignores, as the Timeline's window does (timeline-link.ts).

export function goroutineHash(artefact: string, goroutine: number): string {
  return `#/goroutines/${artefact}/g${goroutine}`;
}

/** The goroutine a Goroutines hash names, or null. */
export function goroutineFocus(hash: string = window.location.hash): number | null {
  const parts = hash.replace(/^#\/?/, '').split('/');
  if (parts[0] !== 'goroutines') return null;
  const g = /^g(\d+)$/.exec(parts[2] ?? '');
  return g ? Number(g[1]) : null;
}
