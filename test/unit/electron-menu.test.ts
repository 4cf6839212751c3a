// The Electron host's pure parts: the native menu built as data and clicked through, Help text,
// persisted preferences (Open Recent, theme), the launch command line, the first-run sample and
// the Electron binary lookup that `npm start` uses. No Electron import.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';
import { aboutDetail, KEYBOARD_SHORTCUTS, shortcutsDetail } from '../../src-main/hosts/electron/about.ts';
import { findElectronBinary, platformExecutable } from '../../src-main/hosts/electron/electron-binary.ts';
import { sampleFiles } from '../../src-main/service/bundled-sample.ts';
import { parseLaunchArgs } from '../../src-main/hosts/electron/launch-args.ts';
import { buildMenuTemplate, OPEN_DIALOG_FILTERS, type MenuActions, type MenuState } from '../../src-main/hosts/electron/menu-template.ts';
import { MAX_RECENT_FILES, parsePreferences, Preferences, withOpened } from '../../src-main/hosts/electron/preferences.ts';

const tmp = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), prefix));

/** Actions that record what was clicked. */
function recorder(): { actions: MenuActions; calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    actions: {
      openFiles: () => calls.push('openFiles'),
      openRecent: (f) => calls.push(`openRecent ${f}`),
      clearRecent: () => calls.push('clearRecent'),
      openLibrary: () => calls.push('openLibrary'),
      setTheme: (t) => calls.push(`setTheme ${t}`),
      showAbout: () => calls.push('showAbout'),
      showShortcuts: () => calls.push('showShortcuts'),
    },
  };
}

function submenu(item: MenuItemConstructorOptions | undefined): MenuItemConstructorOptions[] {
  assert.ok(item && Array.isArray(item.submenu), `${item?.label ?? item?.role} has a submenu`);
  return item.submenu as MenuItemConstructorOptions[];
}

const find = (items: MenuItemConstructorOptions[], key: string) => items.find((i) => i.label === key || i.role === key);
const click = (item: MenuItemConstructorOptions | undefined) => (item?.click as () => void)();

const state = (over: Partial<MenuState> = {}): MenuState => ({ platform: 'linux', recent: [], theme: 'system', devTools: false, ...over });

test('File: Open…, Open Recent (most recent first), Open Library, Close', () => {
  const { actions, calls } = recorder();
  const menu = buildMenuTemplate(state({ recent: ['/b/two.trace', '/a/one.pprof'] }), actions);
  assert.deepEqual(menu.map((m) => m.label ?? m.role), ['File', 'Edit', 'View', 'help']);
  const file = submenu(find(menu, 'File'));
  const open = find(file, 'Open…');
  assert.equal(open?.accelerator, 'CmdOrCtrl+O');
  click(open);
  const recent = submenu(find(file, 'Open Recent'));
  assert.deepEqual(recent.map((r) => r.label ?? r.type), ['/b/two.trace', '/a/one.pprof', 'separator', 'Clear Recent']);
  click(recent[1]);
  click(find(recent, 'Clear Recent'));
  click(find(file, 'Open Library in New Window…'));
  assert.equal(find(file, 'close')?.accelerator, 'CmdOrCtrl+W');
  assert.ok(find(file, 'quit'), 'Quit is under File off macOS');
  assert.deepEqual(calls, ['openFiles', 'openRecent /a/one.pprof', 'clearRecent', 'openLibrary']);

  const empty = submenu(find(submenu(find(buildMenuTemplate(state(), actions), 'File')), 'Open Recent'));
  assert.deepEqual(empty.map((r) => [r.label, r.enabled]), [['No Recent Files', false]]);
});

test('View: zoom in, out and reset, theme radio reflecting the choice, DevTools only unpackaged', () => {
  const { actions, calls } = recorder();
  const view = submenu(find(buildMenuTemplate(state({ theme: 'dark' }), actions), 'View'));
  assert.equal(find(view, 'zoomIn')?.accelerator, 'CmdOrCtrl+=');
  assert.equal(find(view, 'zoomOut')?.accelerator, 'CmdOrCtrl+-');
  assert.equal(find(view, 'resetZoom')?.accelerator, 'CmdOrCtrl+0');
  const theme = submenu(find(view, 'Theme'));
  assert.deepEqual(theme.map((t) => [t.label, t.type, t.checked]), [['Follow System', 'radio', false], ['Light', 'radio', false], ['Dark', 'radio', true]]);
  click(theme[1]);
  assert.deepEqual(calls, ['setTheme light']);
  assert.equal(find(view, 'toggleDevTools'), undefined);
  assert.ok(find(submenu(find(buildMenuTemplate(state({ devTools: true }), actions), 'View')), 'toggleDevTools'));
});

test('Help: About and Keyboard Shortcuts (About in the app menu on macOS)', () => {
  const { actions, calls } = recorder();
  const help = submenu(find(buildMenuTemplate(state({ platform: 'win32' }), actions), 'help'));
  click(find(help, 'Keyboard Shortcuts'));
  click(find(help, 'About Goroscope'));
  assert.deepEqual(calls, ['showShortcuts', 'showAbout']);

  const mac = buildMenuTemplate(state({ platform: 'darwin' }), actions);
  assert.deepEqual(mac.map((m) => m.label ?? m.role), ['Goroscope', 'File', 'Edit', 'View', 'help']);
  assert.ok(find(submenu(mac[0]), 'About Goroscope'));
  assert.ok(find(submenu(mac[0]), 'quit'));
  assert.equal(find(submenu(find(mac, 'File')), 'quit'), undefined);
  assert.equal(find(submenu(find(mac, 'help')), 'About Goroscope'), undefined);
});

test('the Open dialog shows every fixture trace, profile and dump under its first filter', () => {
  const all = new Set(OPEN_DIALOG_FILTERS[0].extensions);
  const dirs = ['test/fixtures/traces', 'test/fixtures/profiles', 'test/fixtures/dumps', 'assets/sample'];
  let seen = 0;
  for (const dir of dirs) {
    if (!fs.existsSync(dir)) continue;
    for (const name of fs.readdirSync(dir)) {
      if (!/\.(trace|pprof|txt)$/.test(name)) continue;
      seen++;
      assert.ok(all.has(path.extname(name).slice(1)), name);
    }
  }
  assert.ok(seen > 90, `only ${seen} fixtures seen`);
  assert.deepEqual(OPEN_DIALOG_FILTERS.at(-1), { name: 'All files', extensions: ['*'] });
});

test('About names the app, Electron, Chromium and Node versions, the Go formats read and the shortcuts', () => {
  const text = aboutDetail({ app: '0.1.0', electron: '45.4.1', chrome: '142.0.0.0', node: process.versions.node }, false);
  assert.match(text, /^Goroscope 0\.1\.0$/m);
  assert.match(text, /Electron 45\.4\.1 · Chromium 142\.0\.0\.0 · Node\.js \d+\.\d+\.\d+/);
  assert.match(text, /Go 1\.11 to 1\.27/);
  assert.match(text, /pprof/);
  assert.match(text, /Goroutine dumps/);
  assert.match(text, /no network access/);
  assert.ok(text.includes(shortcutsDetail(false)), 'About lists the keyboard shortcuts');
  const mac = shortcutsDetail(true);
  const other = shortcutsDetail(false);
  assert.equal(mac.split('\n').length, KEYBOARD_SHORTCUTS.length);
  assert.match(mac, /^Cmd\+O\t/m);
  assert.match(other, /^Ctrl\+O\t/m);
  assert.doesNotMatch(other, /CmdOrCtrl/);
});

test('Open Recent keeps the newest first, without duplicates, at most 10', () => {
  assert.deepEqual(withOpened(['/a', '/b'], ['/c']), ['/c', '/a', '/b']);
  assert.deepEqual(withOpened(['/a', '/b', '/c'], ['/c', '/d']), ['/d', '/c', '/a', '/b']);
  assert.deepEqual(withOpened(['/a'], ['/b', '/b']), ['/b', '/a']);
  const many = Array.from({ length: 15 }, (_, i) => `/f${i}`);
  assert.equal(withOpened([], many).length, MAX_RECENT_FILES);
  assert.equal(withOpened([], many)[0], '/f14');
});

test('preferences persist across launches and survive damaged files', () => {
  const dir = tmp('goroscope-prefs-');
  try {
    const file = path.join(dir, 'sub', 'preferences.json');
    const first = new Preferences(file);
    assert.deepEqual([first.recent, first.theme], [[], 'system']);
    first.addRecent([path.join(dir, 'x.trace')]);
    first.setTheme('dark');
    const second = new Preferences(file);
    assert.deepEqual([second.recent, second.theme], [[path.join(dir, 'x.trace')], 'dark']);
    second.clearRecent();
    assert.deepEqual(new Preferences(file).recent, []);
    assert.deepEqual(fs.readdirSync(path.dirname(file)), ['preferences.json'], 'no temporary file left');

    for (const text of ['', '{', 'null', '[1,2]', '{"recent":"x","theme":"purple"}']) {
      assert.deepEqual(parsePreferences(text), { recent: [], theme: 'system' }, text);
    }
    assert.deepEqual(parsePreferences('{"recent":["relative/x", 3, "/abs/y"],"theme":"light"}'), { recent: ['/abs/y'], theme: 'light' });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the launch command line: --library DIR and files, Chromium switches skipped', () => {
  assert.deepEqual(parseLaunchArgs([], '/w'), { library: null, files: [] });
  assert.deepEqual(parseLaunchArgs(['a.trace', '--library', 'lib', '/abs/b.pprof'], '/w'), { library: '/w/lib', files: ['/w/a.trace', '/abs/b.pprof'] });
  assert.deepEqual(parseLaunchArgs(['--library=/l', '--no-sandbox', '--inspect=0', 'x'], '/w'), { library: '/l', files: ['/w/x'] });
});

test('the first-run sample is every artefact in assets/sample but its README', () => {
  const files = sampleFiles(path.resolve('assets/sample'));
  assert.ok(files.length >= 1);
  assert.ok(files.includes(path.resolve('assets/sample/sample.trace')));
  for (const f of files) assert.doesNotMatch(path.basename(f), /^readme/i);
  assert.deepEqual(sampleFiles(path.resolve('no/such/dir')), []);
});

test('the Electron binary is looked up without downloading it', () => {
  const dir = tmp('goroscope-electron-pkg-');
  try {
    const missing = findElectronBinary(dir, {});
    assert.equal(missing.found, false);
    if (!missing.found) assert.match(missing.reason, /path\.txt is missing: the Electron binary was never downloaded/);

    fs.writeFileSync(path.join(dir, 'path.txt'), platformExecutable('linux'));
    const notExtracted = findElectronBinary(dir, {}, 'linux');
    assert.ok(!notExtracted.found && /download did not complete/.test(notExtracted.reason));

    fs.mkdirSync(path.join(dir, 'dist'));
    fs.writeFileSync(path.join(dir, 'dist', 'electron'), '');
    assert.deepEqual(findElectronBinary(dir, {}, 'linux'), { found: true, executable: path.join(dir, 'dist', 'electron') });
    assert.deepEqual(findElectronBinary(dir, { ELECTRON_OVERRIDE_DIST_PATH: path.join(dir, 'dist') }, 'linux'),
      { found: true, executable: path.join(dir, 'dist', 'electron') });
    assert.equal(findElectronBinary(dir, { ELECTRON_OVERRIDE_DIST_PATH: path.join(dir, 'nowhere') }, 'linux').found, false);
    assert.equal(platformExecutable('darwin'), 'Electron.app/Contents/MacOS/Electron');
    assert.equal(platformExecutable('win32'), 'electron.exe');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
