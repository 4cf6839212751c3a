// The Electron window's security policy as data: the CSP names no remote origin, only the app's
// own requests pass, app:// URLs never escape the renderer directory, and the web preferences are
// the secure ones. No Electron import: the policy is plain values and predicates.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as path from 'node:path';
import { appUrlToFile, contentTypeOf } from '../../src-main/hosts/electron/app-protocol.ts';
import {
  APP_ENTRY_URL, APP_ORIGIN, CONTENT_SECURITY_POLICY, DEBUGGING_SWITCHES, isAllowedRequest, isAppPage, SECURE_WEB_PREFERENCES,
  windowPreferences, withCspHeader,
} from '../../src-main/hosts/electron/security-policy.ts';
import * as fs from 'node:fs';

function directives(csp: string): Map<string, string[]> {
  return new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...sources]) => [name, sources]));
}

test('the CSP allows no remote origin, no eval and no inline script', () => {
  const d = directives(CONTENT_SECURITY_POLICY);
  const allowedSources = new Set(["'self'", "'none'", "'unsafe-inline'", 'data:', 'blob:']);
  for (const [name, sources] of d) {
    for (const s of sources) assert.ok(allowedSources.has(s), `${name} allows ${s}`);
  }
  assert.deepEqual(d.get('default-src'), ["'none'"]);
  assert.deepEqual(d.get('script-src'), ["'self'"]);
  assert.deepEqual(d.get('connect-src'), ["'self'"]);
  assert.deepEqual(d.get('object-src'), ["'none'"]);
  assert.deepEqual(d.get('frame-ancestors'), ["'none'"]);
  assert.deepEqual(d.get('base-uri'), ["'none'"]);
  assert.doesNotMatch(CONTENT_SECURITY_POLICY, /unsafe-eval|https?:|wss?:|\*/);
});

test('the CSP header replaces any the response carried, whatever its spelling', () => {
  const out = withCspHeader({ 'content-security-policy': ["default-src *"], 'CONTENT-SECURITY-POLICY': ['x'], 'Content-Type': ['text/html'] });
  assert.deepEqual(out, { 'Content-Type': ['text/html'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
  assert.deepEqual(withCspHeader(undefined), { 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
});

test('only the app origin and inline data may be requested', () => {
  for (const url of [APP_ENTRY_URL, `${APP_ORIGIN}/assets/index-1.js`, 'data:image/png;base64,AAAA', 'blob:app://goroscope/1f2e', 'devtools://devtools/bundled/devtools_app.html']) {
    assert.ok(isAllowedRequest(url), url);
  }
  for (const url of [
    'https://fonts.googleapis.com/css2?family=Inter', 'http://127.0.0.1:8080/', 'ws://localhost:1/', 'wss://example.com/',
    'file:///etc/passwd', 'ftp://example.com/', 'app://evil/index.html', 'app://goroscope.evil.example/', 'chrome://gpu',
    'not a url', '',
  ]) {
    assert.ok(!isAllowedRequest(url), url);
  }
});

test('IPC is answered only for pages of the app origin', () => {
  assert.ok(isAppPage(APP_ENTRY_URL));
  assert.ok(isAppPage(`${APP_ORIGIN}/index.html#/artefact/abc`));
  for (const url of ['file:///work/main/dist/renderer/index.html', 'http://127.0.0.1/', 'app://other/', 'about:blank', '']) {
    assert.ok(!isAppPage(url), url);
  }
});

test('app URLs map into the renderer directory and never out of it', () => {
  const root = path.resolve('dist/renderer');
  assert.equal(appUrlToFile(root, 'app://goroscope/'), path.join(root, 'index.html'));
  assert.equal(appUrlToFile(root, 'app://goroscope/index.html?x=1#top'), path.join(root, 'index.html'));
  assert.equal(appUrlToFile(root, 'app://goroscope/assets/index-ab12.js'), path.join(root, 'assets', 'index-ab12.js'));
  assert.equal(appUrlToFile(root, 'app://goroscope/a%20b.css'), path.join(root, 'a b.css'));
  // The URL parser folds dot segments, literal or %2e-encoded, into the root ...
  assert.equal(appUrlToFile(root, 'app://goroscope/../../etc/passwd'), path.join(root, 'etc', 'passwd'));
  assert.equal(appUrlToFile(root, 'app://goroscope/%2e%2e/%2e%2e/etc/passwd'), path.join(root, 'etc', 'passwd'));
  // ... separators hidden from it by encoding cannot climb out, and backslashes and NULs are refused.
  for (const url of [
    'app://goroscope/assets%2F..%2F..%2F..%2Fetc%2Fpasswd', 'app://goroscope/..%5c..%5cwin.ini',
    'app://goroscope/index.html%00.png', 'app://goroscope/%E0%A4%A', 'app://other/index.html', 'file:///etc/passwd', 'nonsense',
  ]) {
    assert.equal(appUrlToFile(root, url), null, url);
  }
});

test('content types let module scripts and styles load under nosniff', () => {
  assert.equal(contentTypeOf('x/index.html'), 'text/html; charset=utf-8');
  assert.equal(contentTypeOf('x/a.JS'), 'text/javascript; charset=utf-8');
  assert.equal(contentTypeOf('x/a.css'), 'text/css; charset=utf-8');
  assert.equal(contentTypeOf('x/a.bin'), 'application/octet-stream');
});

test('every window is isolated, sandboxed and without Node', () => {
  assert.equal(SECURE_WEB_PREFERENCES.contextIsolation, true);
  assert.equal(SECURE_WEB_PREFERENCES.sandbox, true);
  assert.equal(SECURE_WEB_PREFERENCES.nodeIntegration, false);
  assert.equal(SECURE_WEB_PREFERENCES.nodeIntegrationInWorker, false);
  assert.equal(SECURE_WEB_PREFERENCES.nodeIntegrationInSubFrames, false);
  assert.equal(SECURE_WEB_PREFERENCES.webSecurity, true);
  assert.equal(SECURE_WEB_PREFERENCES.allowRunningInsecureContent, false);
  assert.equal(SECURE_WEB_PREFERENCES.webviewTag, false);
  assert.equal(SECURE_WEB_PREFERENCES.spellcheck, false);
});

test('DevTools only in unpackaged builds; a packaged app refuses remote debugging switches', () => {
  const packaged = windowPreferences('/app/preload.cjs', true);
  assert.equal(packaged.devTools, false);
  assert.equal(packaged.preload, '/app/preload.cjs');
  assert.equal(packaged.sandbox, true);
  assert.equal(windowPreferences('/app/preload.cjs', false).devTools, true);
  assert.ok(DEBUGGING_SWITCHES.includes('remote-debugging-port'));
  // Every window is made with these preferences, and told whether the build is packaged.
  const window = fs.readFileSync(path.resolve(import.meta.dirname, '../../src-main/hosts/electron/library-window.ts'), 'utf8');
  assert.match(window, /webPreferences: windowPreferences\(files\.preload, files\.packaged\)/);
  const main = fs.readFileSync(path.resolve(import.meta.dirname, '../../src-main/hosts/electron/main.ts'), 'utf8');
  assert.match(main, /packaged: app\.isPackaged/);
});
