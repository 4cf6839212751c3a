// The native menu as data: a template built from the window state and a set of actions. No
// electron import at run time (types only), so tests build it and click through it.

import type { MenuItemConstructorOptions } from 'electron';

export type ThemeSource = 'system' | 'light' | 'dark';
export const THEME_SOURCES: readonly ThemeSource[] = ['system', 'light', 'dark'];

/** What the menu's items do; main.ts binds them to dialogs, windows and nativeTheme. */
export interface MenuActions {
  openFiles(): void;
  openRecent(file: string): void;
  clearRecent(): void;
  openLibrary(): void;
  setTheme(theme: ThemeSource): void;
  showAbout(): void;
  showShortcuts(): void;
}

export interface MenuState {
  platform: NodeJS.Platform;
  /** Recently opened files, most recent first. */
  recent: readonly string[];
  theme: ThemeSource;
  /** Show View › Toggle Developer Tools (unpackaged builds only). */
  devTools: boolean;
}

/** File › Open… filters: every Go artefact kind, then each kind by its usual names. */
export const OPEN_DIALOG_FILTERS: readonly { name: string; extensions: string[] }[] = [
  { name: 'Go traces, profiles and dumps', extensions: ['trace', 'out', 'pprof', 'pb', 'gz', 'prof', 'txt', 'dump', 'log'] },
  { name: 'Execution traces', extensions: ['trace', 'out'] },
  { name: 'pprof profiles', extensions: ['pprof', 'pb', 'gz', 'prof'] },
  { name: 'Goroutine dumps', extensions: ['txt', 'dump', 'log'] },
  { name: 'All files', extensions: ['*'] },
];

const THEME_LABELS: Record<ThemeSource, string> = { system: 'Follow System', light: 'Light', dark: 'Dark' };

export function buildMenuTemplate(state: MenuState, actions: MenuActions): MenuItemConstructorOptions[] {
  const mac = state.platform === 'darwin';
  const recent: MenuItemConstructorOptions[] = state.recent.length === 0
    ? [{ label: 'No Recent Files', enabled: false }]
    : [
      ...state.recent.map((file): MenuItemConstructorOptions => ({ label: file, click: () => actions.openRecent(file) })),
      { type: 'separator' },
      { label: 'Clear Recent', click: () => actions.clearRecent() },
    ];
  const about: MenuItemConstructorOptions = { label: 'About Goroscope', click: () => actions.showAbout() };
  const template: MenuItemConstructorOptions[] = [];
  if (mac) {
    template.push({
      label: 'Goroscope',
      submenu: [about, { type: 'separator' }, { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, { type: 'separator' }, { role: 'quit' }],
    });
  }
  template.push(
    {
      label: 'File',
      submenu: [
        { label: 'Open…', accelerator: 'CmdOrCtrl+O', click: () => actions.openFiles() },
        { label: 'Open Recent', submenu: recent },
        { type: 'separator' },
        { label: 'Open Library in New Window…', accelerator: 'CmdOrCtrl+Shift+O', click: () => actions.openLibrary() },
        { type: 'separator' },
        { role: 'close', label: 'Close', accelerator: 'CmdOrCtrl+W' },
        ...(mac ? [] : [{ role: 'quit' } as MenuItemConstructorOptions]),
      ],
    },
    {
      label: 'Edit',
      submenu: [{ role: 'undo' }, { role: 'redo' }, { type: 'separator' }, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }],
    },
    {
      label: 'View',
      submenu: [
        { role: 'zoomIn', accelerator: 'CmdOrCtrl+=' },
        { role: 'zoomOut', accelerator: 'CmdOrCtrl+-' },
        { role: 'resetZoom', accelerator: 'CmdOrCtrl+0' },
        { type: 'separator' },
        {
          label: 'Theme',
          submenu: THEME_SOURCES.map((theme): MenuItemConstructorOptions => ({
            label: THEME_LABELS[theme], type: 'radio', checked: state.theme === theme, click: () => actions.setTheme(theme),
          })),
        },
        { type: 'separator' },
        { role: 'togglefullscreen' },
        ...(state.devTools ? [{ role: 'toggleDevTools' } as MenuItemConstructorOptions] : []),
      ],
    },
    {
      role: 'help',
      submenu: [
        { label: 'Keyboard Shortcuts', click: () => actions.showShortcuts() },
        ...(mac ? [] : [{ type: 'separator' } as MenuItemConstructorOptions, about]),
      ],
    },
  );
  return template;
}
