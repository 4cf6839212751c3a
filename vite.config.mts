// Builds the renderer (src-renderer/) into dist/renderer/, loaded by Electron from file:// and
// served by `goroscope serve`: relative asset URLs (base './'), no inline scripts (the CSP forbids
// them), no remote resources.

import { svelte } from '@sveltejs/vite-plugin-svelte';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here('./src-renderer'),
  base: './',
  plugins: [svelte({ configFile: false })],
  build: {
    outDir: here('./dist/renderer'),
    emptyOutDir: true,
    target: 'es2022',
    // One small bundle; a module-preload polyfill would add an inline script the CSP blocks.
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 1024,
  },
});
