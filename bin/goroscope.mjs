#!/usr/bin/env node
// Launcher for the goroscope CLI: runs the TypeScript sources through tsx's loader, so the
// command works straight from a checkout after `npm ci` (`npx goroscope …`).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src-main/hosts/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
