// `goroscope serve [FILE…]`: the desktop UI in a browser, served from this machine only.

import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultLibraryDir, Library } from '../../index/library.ts';
import { sampleFiles } from '../../service/bundled-sample.ts';
import { ReadPool } from '../../service/read-pool.ts';
import { GoroscopeService } from '../../service/service.ts';
import { isLoopback } from '../http/access.ts';
import { startServer } from '../http/server.ts';
import { DEFAULT_MAX_UPLOAD_MB } from '../http/uploads.ts';
import { rendererBuilt } from '../http/static-files.ts';
import { parseArgs } from './args.ts';
import { UsageError } from './output.ts';

export const serveUsage = `usage: goroscope serve [FILE...] [--port N] [--host H] [--library DIR] [--max-upload-mb N] [--no-open]

Serves the Goroscope UI and API on http://127.0.0.1 (a free port unless --port) and opens it in
the default browser (--no-open to only print the URL). The printed URL carries a random token made
for this launch: every API call must carry it (the page sends it as a header; no cookie), so other users of
this machine cannot read your artefacts. --host binds another address: anyone who can reach it and
holds the token can read your artefacts. FILEs are indexed at start; with an empty library the
bundled sample is indexed. Dropped files are uploaded to the library's uploads/ directory (at
most --max-upload-mb MB each, default ${DEFAULT_MAX_UPLOAD_MB}); removing their artefact deletes them.
Stop with Ctrl-C.`;

/** The checkout or package root: the nearest directory above this module with goroscope's package.json. */
function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string }).name === 'goroscope') return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('cannot find the goroscope package root above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

function openInBrowser(url: string): void {
  const [command, args] = process.platform === 'darwin' ? ['open', [url]]
    : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url]] : ['xdg-open', [url]];
  const child = spawn(command, args, { stdio: 'ignore', detached: true });
  child.on('error', () => process.stderr.write(`goroscope serve: could not start a browser (${command}); open the URL above yourself\n`));
  child.unref();
}

function portOption(value: string | undefined): number {
  if (value === undefined) return 0;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be an integer from 0 to 65535, not "${value}"`);
  return port;
}

function maxUploadOption(value: string | undefined): number {
  if (value === undefined) return DEFAULT_MAX_UPLOAD_MB;
  const mb = Number(value);
  if (!/^\d+$/.test(value) || mb < 1) throw new UsageError(`--max-upload-mb must be a whole number of megabytes ≥ 1, not "${value}"`);
  return mb;
}

export async function serveCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { flags: ['no-open'], valued: ['port', 'host', 'library', 'max-upload-mb'] });
  const port = portOption(args.options.get('port'));
  const maxUploadMb = maxUploadOption(args.options.get('max-upload-mb'));
  const host = args.options.get('host') ?? '127.0.0.1';
  const root = packageRoot();
  const rendererDir = path.join(root, 'dist', 'renderer');
  if (!rendererBuilt(rendererDir)) {
    process.stderr.write(`goroscope serve: the UI is not built (${rendererDir} has no index.html): run \`npm run build:renderer\` first; serving the API only\n`);
  }
  if (!isLoopback(host)) {
    process.stderr.write(`goroscope serve: warning: listening on ${host}, not 127.0.0.1: anyone who can reach this address and has the URL's token can read your artefacts\n`);
  }
  const library = new Library(args.options.get('library') ?? defaultLibraryDir());
  const service = new GoroscopeService(library);
  const readPool = new ReadPool(library.dir);
  const server = await startServer({ service, readPool, rendererDir, uploadsDir: path.join(library.dir, 'uploads'), host, port, maxUploadMb });
  process.stdout.write(`goroscope serve: ${server.url}\n`);

  const files = args.positional.length > 0 ? args.positional
    : (await service.listArtefacts()).length === 0 ? sampleFiles(path.join(root, 'assets', 'sample')) : [];
  for (const file of files) await service.startIndex(path.resolve(file));
  if (!args.flags.has('no-open')) openInBrowser(server.url);

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  await readPool.close();
  await service.close();
  library.close();
  return 0;
}
