// The Triage view's set of artefacts rides in the URL's hash (#/triage/<hash>,<hash>,…), which the
// router reads only as the view (its artefact stays the one last opened), so reloads and
// back/forward keep the set, as the Timeline's window does (timeline-link.ts).

export function triageHash(artefacts: readonly string[]): string {
  return artefacts.length === 0 ? '#/triage' : `#/triage/${artefacts.join(',')}`;
}

/** The artefacts a Triage hash names (none: the view offers the library to choose from). */
export function triageSelection(hash: string = window.location.hash): string[] {
  const parts = hash.replace(/^#\/?/, '').split('/');
  if (parts[0] !== 'triage' || !parts[1]) return [];
  return parts[1].split(',').filter((h) => /^[0-9a-f]{6,64}$/.test(h));
}
