// The Electron main process: windows (one per library), the native menu, dialogs, Open Recent,
// theme, drag-and-drop paths from the preload, and the security settings every window and
// session gets. Bundled by scripts/build-main.mjs to dist/main/electron-main.cjs.
//
// The renderer is served from app://goroscope/ (see security-policy.ts for why not file://).
// Nothing here touches the network: no update checks, no telemetry, no crash reporter uploads.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, Menu, nativeTheme, session, utilityProcess, type WebContents } from 'electron';
import { defaultLibraryDir } from '../../index/library.ts';
import { useQueryProcesses } from '../../service/sql-pool.ts';
import { aboutDetail, shortcutsDetail } from './about.ts';
import { registerIpcHandlers } from './ipc.ts';
import { parseLaunchArgs, type LaunchArgs } from './launch-args.ts';
import { LibraryWindow, type LibraryWindowFiles } from './library-window.ts';
import { buildMenuTemplate, OPEN_DIALOG_FILTERS, type ThemeSource } from './menu-template.ts';
import { Preferences } from './preferences.ts';
import { DEBUGGING_SWITCHES } from './security-policy.ts';
import { hardenSession, registerAppScheme } from './session-hardening.ts';
import { utilityQueryProcess } from './sql-process.ts';

/** dist/main: the bundle, its preload and its workers sit side by side. */
const bundleDir = path.dirname(fileURLToPath(import.meta.url));
/** The app's root: the checkout (unpackaged) or app.asar (packaged). */
const appRoot = app.getAppPath();

const files: LibraryWindowFiles = {
  preload: path.join(bundleDir, 'preload.cjs'),
  indexWorker: path.join(bundleDir, 'index-worker.js'),
  readWorker: path.join(bundleDir, 'read-worker.js'),
  icon: process.platform === 'darwin' ? null : path.join(appRoot, 'assets', 'icons', 'png', '512x512.png'),
  // Packaged, electron-builder copies assets/sample to resources/sample (extraResources).
  sampleDir: app.isPackaged ? path.join(process.resourcesPath, 'sample') : path.join(appRoot, 'assets', 'sample'),
  packaged: app.isPackaged,
};

// SQL queries in utility processes: the packaged app's runAsNode fuse is off, so the service's
// default (a Node child process forked from this binary) would not start.
useQueryProcesses(() => utilityQueryProcess(utilityProcess.fork, path.join(bundleDir, 'sql-worker.js')));

const windows = new Map<string, LibraryWindow>();
let preferences: Preferences;
/** Files handed over (macOS open-file, a second instance) before the first window exists. */
let pendingFiles: string[] | null = [];

/** Arguments after the executable (packaged) or after `electron APP_PATH` (unpackaged). */
function launchArgs(argv: readonly string[], cwd: string): LaunchArgs {
  return parseLaunchArgs(argv.slice(app.isPackaged ? 1 : 2), cwd);
}

function libraryTitle(dir: string): string {
  return dir === defaultLibraryDir() ? 'Goroscope' : `Goroscope — ${dir}`;
}

/** Focuses the library's window (opening it if needed) and queues `toOpen` in it. */
function openLibrary(dir: string, toOpen: readonly string[]): void {
  const existing = windows.get(dir);
  if (existing) {
    existing.focus();
    void openInWindow(existing, toOpen);
    return;
  }
  let w: LibraryWindow;
  try {
    w = new LibraryWindow(dir, libraryTitle(dir), files, toOpen);
  } catch (e) {
    // An unreadable or foreign directory: say so, keep the other windows.
    dialog.showErrorBox('Cannot open the library', `${dir}: ${e instanceof Error ? e.message : String(e)}`);
    if (windows.size === 0) app.quit();
    return;
  }
  windows.set(dir, w);
  w.window.on('closed', () => windows.delete(dir));
  if (toOpen.length > 0) rememberOpened(toOpen);
}

function focusedLibraryWindow(): LibraryWindow | null {
  const focused = BrowserWindow.getFocusedWindow();
  for (const w of windows.values()) if (w.window === focused) return w;
  return windows.values().next().value ?? null;
}

async function openInWindow(w: LibraryWindow, toOpen: readonly string[]): Promise<void> {
  if (toOpen.length === 0) return;
  rememberOpened(toOpen);
  await w.openFiles(toOpen);
}

function rememberOpened(opened: readonly string[]): void {
  preferences.addRecent(opened);
  if (process.platform !== 'linux') for (const f of opened) app.addRecentDocument(f);
  refreshMenu();
}

/** The files the user opens go to the focused window's library (the default library if none). */
function openFiles(toOpen: readonly string[]): void {
  if (pendingFiles) {
    pendingFiles.push(...toOpen);
    return;
  }
  const w = focusedLibraryWindow();
  if (w) void openInWindow(w, toOpen);
  else openLibrary(defaultLibraryDir(), toOpen);
}

async function showOpenDialog(): Promise<void> {
  const parent = BrowserWindow.getFocusedWindow();
  const options: Electron.OpenDialogOptions = {
    title: 'Open traces, profiles or dumps',
    properties: ['openFile', 'multiSelections'],
    filters: OPEN_DIALOG_FILTERS.map((f) => ({ name: f.name, extensions: [...f.extensions] })),
  };
  const result = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
  if (!result.canceled) openFiles(result.filePaths);
}

async function showOpenLibraryDialog(): Promise<void> {
  const options: Electron.OpenDialogOptions = {
    title: 'Open a library (a directory of indexes)',
    properties: ['openDirectory', 'createDirectory'],
  };
  const parent = BrowserWindow.getFocusedWindow();
  const result = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
  if (!result.canceled && result.filePaths[0]) openLibrary(result.filePaths[0], []);
}

function showMessage(title: string, message: string, detail: string): void {
  const parent = BrowserWindow.getFocusedWindow();
  const options: Electron.MessageBoxOptions = { type: 'info', title, message, detail, buttons: ['OK'] };
  void (parent ? dialog.showMessageBox(parent, options) : dialog.showMessageBox(options));
}

function setTheme(theme: ThemeSource): void {
  nativeTheme.themeSource = theme;
  preferences.setTheme(theme);
  refreshMenu();
}

function refreshMenu(): void {
  const template = buildMenuTemplate(
    { platform: process.platform, recent: preferences.recent, theme: preferences.theme, devTools: !app.isPackaged },
    {
      openFiles: () => void showOpenDialog(),
      openRecent: (file) => openFiles([file]),
      clearRecent: () => {
        preferences.clearRecent();
        app.clearRecentDocuments();
        refreshMenu();
      },
      openLibrary: () => void showOpenLibraryDialog(),
      setTheme,
      showAbout: () => showMessage('About Goroscope', `Goroscope ${app.getVersion()}`, aboutDetail({
        app: app.getVersion(), electron: process.versions.electron, chrome: process.versions.chrome, node: process.versions.node,
      }, process.platform === 'darwin')),
      showShortcuts: () => showMessage('Keyboard Shortcuts', 'Keyboard shortcuts', shortcutsDetail(process.platform === 'darwin')),
    },
  );
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

/** Every web contents, whatever creates it: no navigation away, no new windows, no webviews. */
function hardenContents(contents: WebContents): void {
  // Packaged windows have no DevTools (windowPreferences); should anything open them anyway, close them.
  if (app.isPackaged) contents.on('devtools-opened', () => contents.closeDevTools());
  contents.on('will-navigate', (e) => e.preventDefault());
  contents.on('will-redirect', (e) => e.preventDefault());
  contents.on('will-attach-webview', (e) => e.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

function serviceFor(sender: WebContents) {
  for (const w of windows.values()) if (w.window.webContents === sender) return w.api;
  return null;
}

registerAppScheme();

const debuggingSwitch = app.isPackaged ? DEBUGGING_SWITCHES.find((s) => app.commandLine.hasSwitch(s)) : undefined;
if (debuggingSwitch) {
  process.stderr.write(`goroscope: --${debuggingSwitch} is refused by the packaged app\n`);
  app.exit(2);
} else if (!app.requestSingleInstanceLock()) {
  // Another instance owns the libraries: it receives our arguments ('second-instance').
  app.quit();
} else {
  app.on('second-instance', (_event, argv, workingDirectory) => {
    const args = launchArgs(argv, workingDirectory);
    if (args.library && !pendingFiles) openLibrary(args.library, args.files);
    else openFiles(args.files);
  });
  // macOS: files dropped on the Dock icon or opened with the app.
  app.on('open-file', (event, file) => {
    event.preventDefault();
    openFiles([file]);
  });
  app.on('web-contents-created', (_event, contents) => hardenContents(contents));
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (windows.size === 0) openLibrary(defaultLibraryDir(), []);
  });

  void app.whenReady().then(() => {
    const rendererRoot = path.join(appRoot, 'dist', 'renderer');
    if (!fs.existsSync(path.join(rendererRoot, 'index.html'))) {
      dialog.showErrorBox('Goroscope is not built', `${rendererRoot} has no index.html: run npm run build (npm start does).`);
      app.quit();
      return;
    }
    preferences = new Preferences(path.join(app.getPath('userData'), 'preferences.json'));
    nativeTheme.themeSource = preferences.theme;
    hardenSession(session.defaultSession, rendererRoot);
    registerIpcHandlers(serviceFor);
    refreshMenu();
    const args = launchArgs(process.argv, process.cwd());
    const handedOver = pendingFiles ?? [];
    pendingFiles = null;
    openLibrary(args.library ?? defaultLibraryDir(), [...args.files, ...handedOver]);
  });
}
