// electron-builder configuration (`electron-builder --config electron.config.ts`, see
// `npm run dist` and docs/offline-install.md). Builds the current OS's installers from dist/
// (`npm run build` first): Linux AppImage + deb, macOS dmg, Windows NSIS.

import type { Configuration } from 'electron-builder';

const config: Configuration = {
  appId: 'dev.goroscope.app',
  productName: 'Goroscope',
  copyright: 'Copyright © Goroscope contributors (MIT licence)',
  // The version of the electron package in package-lock.json; pinned so the packaged runtime is
  // exactly the one the code was checked against.
  electronVersion: '45.4.1',
  directories: { output: 'dist/installers', buildResources: 'assets/icons' },
  // One naming scheme for every installer; the architecture as each format spells it
  // (x86_64 for AppImage, amd64 for deb, x64/arm64 elsewhere).
  artifactName: 'Goroscope-${version}-${os}-${arch}.${ext}',

  // Only what runs: the bundles, the built renderer and the window icon. esbuild and Vite already
  // inlined every JS dependency, so of node_modules only better-sqlite3's runtime remains (its
  // JS, the addon and the two modules that locate it), not its sources, build objects or the
  // prebuild-install tooling it depends on at install time.
  files: [
    'package.json',
    'dist/main/**/*',
    'dist/renderer/**/*',
    'assets/icons/png/512x512.png',
    '!dist/**/*.map',
    '!node_modules/**/*',
    'node_modules/better-sqlite3/package.json',
    'node_modules/better-sqlite3/lib/**/*',
    'node_modules/better-sqlite3/build/Release/better_sqlite3.node',
    'node_modules/bindings/**/*',
    'node_modules/file-uri-to-path/**/*',
  ],
  asar: true,
  // Native addons cannot be loaded from inside an asar archive.
  asarUnpack: ['**/*.node'],
  // Rebuild better-sqlite3 against Electron's Node ABI (it is built for the system Node by npm ci).
  npmRebuild: true,
  // Opened into an empty library on first launch (resources/sample; see src-main/hosts/electron/main.ts).
  extraResources: [{ from: 'assets/sample', to: 'sample', filter: ['**/*', '!README.md'] }],
  fileAssociations: [
    { ext: 'trace', name: 'Go execution trace', role: 'Viewer' },
    { ext: 'pprof', name: 'pprof profile', role: 'Viewer' },
  ],
  // Offline by design: no update feed, no publishing metadata in the app.
  publish: null,
  // Fuses flipped in the packaged Electron binary (electron-builder applies them after packing).
  electronFuses: {
    // Off: ELECTRON_RUN_AS_NODE would turn the app's binary into a plain Node for anyone who can
    // set its environment. SQL queries run in Electron utility processes, which do not need it
    // (src-main/hosts/electron/sql-process.ts).
    runAsNode: false,
    enableCookieEncryption: true,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    // app.asar is checked against the hash electron-builder records in the app at build time
    // (Electron checks it on macOS and Windows; Linux builds have no such check), and only
    // app.asar is loaded: no unchecked app/ directory beside it.
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    // The renderer is served from app://, never file://.
    grantFileProtocolExtraPrivileges: false,
  },

  linux: {
    target: ['AppImage', 'deb'],
    icon: 'assets/icons/png',
    category: 'Development',
    synopsis: 'Offline forensics for Go execution traces, pprof profiles and goroutine dumps',
    maintainer: 'Goroscope contributors <goroscope@users.noreply.github.com>',
    executableName: 'goroscope-app',
  },
  mac: {
    target: ['dmg'],
    icon: 'assets/icons/icon.icns',
    category: 'public.app-category.developer-tools',
  },
  dmg: { title: 'Goroscope ${version}' },
  win: {
    target: ['nsis'],
    icon: 'assets/icons/icon.ico',
  },
  nsis: { oneClick: false, perMachine: false, allowToChangeInstallationDirectory: true },
};

export default config;
