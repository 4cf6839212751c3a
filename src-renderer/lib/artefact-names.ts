// How the library tells apart artefacts with the same file name (six trace.out files): by the
// folder they came from, shown as its last components.

/** The last `depth` components of the folder holding `path` ("incidents/host-3"), whichever separator the host uses. */
export function parentFolder(path: string, depth = 2): string {
  const parts = path.split(/[\\/]+/).filter((p) => p !== '');
  parts.pop();
  if (parts.length === 0) return path.startsWith('/') ? '/' : '.';
  const shown = parts.slice(-depth).join('/');
  return parts.length > depth ? `…/${shown}` : (path.startsWith('/') ? `/${shown}` : shown);
}
