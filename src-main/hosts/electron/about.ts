// The text of Help › About and Help › Keyboard Shortcuts. Pure, so tests check it without Electron.

/** Go artefacts this build reads, as users name them. */
export const SUPPORTED_FORMATS: readonly string[] = [
  'Go execution traces from Go 1.11 to 1.27 (runtime/trace, go test -trace)',
  'pprof profiles (CPU, heap, allocs, goroutine, block, mutex; gzipped or not)',
  'Goroutine dumps (debug=1, debug=2, panic output, runtime.Stack)',
];

/** Shortcuts of the native menu and of the renderer (its `?` overlay lists the view keys). */
export const KEYBOARD_SHORTCUTS: readonly { keys: string; action: string }[] = [
  { keys: 'CmdOrCtrl+O', action: 'Open traces, profiles or dumps' },
  { keys: 'CmdOrCtrl+Shift+O', action: 'Open another library in a new window' },
  { keys: 'CmdOrCtrl+W', action: 'Close the window' },
  { keys: 'CmdOrCtrl+= / CmdOrCtrl+- / CmdOrCtrl+0', action: 'Zoom in / out / reset' },
  { keys: '?', action: 'Show the view shortcuts (in the window)' },
];

export interface RuntimeVersions {
  app: string;
  electron: string;
  chrome: string;
  node: string;
}

/** Help › About: the versions a bug report needs, what the app reads, and its shortcuts. */
export function aboutDetail(v: RuntimeVersions, mac: boolean): string {
  return [
    `Goroscope ${v.app}`,
    `Electron ${v.electron} · Chromium ${v.chrome} · Node.js ${v.node}`,
    '',
    'Reads:',
    ...SUPPORTED_FORMATS.map((f) => `• ${f}`),
    '',
    'Keyboard shortcuts:',
    shortcutsDetail(mac),
    '',
    'Works offline: no update checks, no telemetry, no network access.',
  ].join('\n');
}

/** Help › Keyboard Shortcuts, one shortcut a line. `mac` spells CmdOrCtrl as Cmd, else Ctrl. */
export function shortcutsDetail(mac: boolean): string {
  return KEYBOARD_SHORTCUTS.map((s) => `${s.keys.replaceAll('CmdOrCtrl', mac ? 'Cmd' : 'Ctrl')}\t${s.action}`).join('\n');
}
