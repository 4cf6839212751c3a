// electron.config.ts as electron-builder reads it: loaded by electron-builder's own loader and
// validated against its schema, with the fields the issue asks for, and icons that are real
// images of the sizes their names claim. (Installers themselves cannot be built offline.)

import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type { Configuration } from 'electron-builder';
import config from '../../electron.config.ts';

const require = createRequire(import.meta.url);
const root = path.resolve(import.meta.dirname, '../..');

interface ConfigLoader {
  getConfig(projectDir: string, configPath: string | null, configFromOptions: Configuration | null): Promise<Configuration>;
  validateConfiguration(config: Configuration, debugLogger: unknown): Promise<void>;
}

/** Width, height and colour type of a PNG, from its IHDR chunk. */
function pngHeader(bytes: Buffer): { width: number; height: number; colourType: number } {
  assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
  assert.equal(bytes.toString('ascii', 12, 16), 'IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20), colourType: bytes[25] };
}

test('electron-builder loads electron.config.ts and its schema accepts it', async () => {
  const loader = require('app-builder-lib/out/util/config/config.js') as ConfigLoader;
  const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
  const loaded = await loader.getConfig(root, 'electron.config.ts', null);
  await loader.validateConfiguration(loaded, new DebugLogger(false));
  assert.equal(loaded.appId, config.appId);
  assert.equal(loaded.productName, 'Goroscope');
});

test('the config: app identity, targets per OS, asar with the native addon unpacked and rebuilt', () => {
  assert.equal(config.appId, 'dev.goroscope.app');
  assert.equal(config.productName, 'Goroscope');
  const electronPackage = JSON.parse(fs.readFileSync(path.join(root, 'node_modules/electron/package.json'), 'utf8')) as { version: string };
  assert.equal(config.electronVersion, electronPackage.version);
  assert.deepEqual(config.linux?.target, ['AppImage', 'deb']);
  assert.deepEqual(config.mac?.target, ['dmg']);
  assert.deepEqual(config.win?.target, ['nsis']);
  assert.equal(config.asar, true);
  assert.deepEqual(config.asarUnpack, ['**/*.node']);
  assert.equal(config.npmRebuild, true);
  assert.equal(config.publish, null, 'no update feed');
  assert.deepEqual(config.electronFuses, {
    runAsNode: false, // SQL queries run in utility processes, not in child_process.fork
    enableCookieEncryption: true,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    grantFileProtocolExtraPrivileges: false,
  });
  assert.deepEqual(config.extraResources, [{ from: 'assets/sample', to: 'sample', filter: ['**/*', '!README.md'] }]);
  assert.ok(fs.readdirSync(path.join(root, 'assets/sample')).some((f) => f.endsWith('.trace')));
});

test('the packaged files are the bundles, the renderer, one icon and better-sqlite3\'s runtime', () => {
  const files = config.files as string[];
  assert.deepEqual(files.slice(0, 4), ['package.json', 'dist/main/**/*', 'dist/renderer/**/*', 'assets/icons/png/512x512.png']);
  assert.ok(files.includes('!dist/**/*.map'));
  // Every node module is left out, then only the addon's runtime is let back in.
  const modules = files.slice(files.indexOf('!node_modules/**/*') + 1);
  assert.ok(modules.length > 0 && modules.every((f) => /^node_modules\/(better-sqlite3|bindings|file-uri-to-path)\//.test(f)), modules.join(' '));
  assert.ok(modules.includes('node_modules/better-sqlite3/build/Release/better_sqlite3.node'));
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { main: string };
  assert.equal(manifest.main, 'dist/main/electron-main.cjs');
});

test('icons: an SVG source, PNGs 16-1024 px with alpha, a Windows .ico and a macOS .icns', () => {
  const icons = path.join(root, 'assets/icons');
  assert.match(fs.readFileSync(path.join(icons, 'goroscope.svg'), 'utf8'), /^<svg [^>]*viewBox="0 0 1024 1024"/);
  for (const size of [16, 24, 32, 48, 64, 128, 256, 512, 1024]) {
    const png = pngHeader(fs.readFileSync(path.join(icons, 'png', `${size}x${size}.png`)));
    assert.deepEqual(png, { width: size, height: size, colourType: 6 }, `${size}x${size}.png`);
  }
  assert.equal(config.linux?.icon, 'assets/icons/png');

  const ico = fs.readFileSync(path.join(root, config.win?.icon as string));
  assert.deepEqual([ico.readUInt16LE(0), ico.readUInt16LE(2)], [0, 1], 'ICO header');
  const icoSizes: number[] = [];
  for (let i = 0; i < ico.readUInt16LE(4); i++) {
    const entry = 6 + 16 * i;
    const png = pngHeader(ico.subarray(ico.readUInt32LE(entry + 12), ico.readUInt32LE(entry + 12) + ico.readUInt32LE(entry + 8)));
    assert.equal(png.width, ico[entry] || 256);
    icoSizes.push(png.width);
  }
  assert.deepEqual(icoSizes, [16, 24, 32, 48, 64, 128, 256]);

  const icns = fs.readFileSync(path.join(root, config.mac?.icon as string));
  assert.equal(icns.toString('ascii', 0, 4), 'icns');
  assert.equal(icns.readUInt32BE(4), icns.length);
  const types: string[] = [];
  for (let at = 8; at < icns.length; at += icns.readUInt32BE(at + 4)) {
    const png = pngHeader(icns.subarray(at + 8, at + icns.readUInt32BE(at + 4)));
    types.push(`${icns.toString('ascii', at, at + 4)}:${png.width}`);
  }
  assert.deepEqual(types, ['icp4:16', 'icp5:32', 'icp6:64', 'ic07:128', 'ic08:256', 'ic09:512', 'ic10:1024']);
});
