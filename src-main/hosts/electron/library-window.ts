// One window per library: the window, the service over that library (index jobs in a worker
// thread), job events forwarded to the page, and the bundled sample indexed into a new library.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { BrowserWindow, nativeTheme } from 'electron';
import { Library } from '../../index/library.ts';
import { GoroscopeService } from '../../service/service.ts';
import { defaultPoolSize, pooledApi, ReadPool } from '../../service/read-pool.ts';
import { sampleFiles } from '../../service/bundled-sample.ts';
import { INDEX_JOB_CHANNEL, type InvokableApi } from './ipc-contract.ts';
import { APP_ENTRY_URL, windowPreferences } from './security-policy.ts';

export interface LibraryWindowFiles {
  /** The bundled preload (dist/main/preload.cjs). */
  preload: string;
  /** The bundled index worker (dist/main/index-worker.js). */
  indexWorker: string;
  /** The bundled read worker (dist/main/read-worker.js). */
  readWorker: string;
  /** The window icon (Linux, Windows); macOS takes the bundle's. */
  icon: string | null;
  /** assets/sample (or the packaged copy), indexed into a library created by this window. */
  sampleDir: string;
  /** A packaged build: no DevTools. */
  packaged: boolean;
}

export class LibraryWindow {
  readonly window: BrowserWindow;
  readonly service: GoroscopeService;
  /** What the window's IPC calls: the service, its read-only queries on worker threads (read-pool.ts). */
  readonly api: InvokableApi;
  private readonly readPool: ReadPool;
  private readonly unsubscribe: () => void;

  constructor(readonly libraryDir: string, title: string, files: LibraryWindowFiles, openOnLoad: readonly string[]) {
    // A library directory that does not exist yet is a first run: show the sample in it.
    const firstRun = !fs.existsSync(path.join(libraryDir, 'library.db'));
    this.service = new GoroscopeService(new Library(libraryDir), files.indexWorker);
    this.readPool = new ReadPool(libraryDir, defaultPoolSize(), files.readWorker);
    this.api = pooledApi(this.service, this.readPool);
    this.window = new BrowserWindow({
      title,
      width: 1280,
      height: 820,
      minWidth: 760,
      minHeight: 480,
      show: false,
      backgroundColor: nativeTheme.shouldUseDarkColors ? '#15171c' : '#ffffff',
      ...(files.icon ? { icon: files.icon } : {}),
      webPreferences: windowPreferences(files.preload, files.packaged),
    });
    // The window names its library; the page's <title> does not replace that.
    this.window.on('page-title-updated', (e) => e.preventDefault());
    this.window.once('ready-to-show', () => this.window.show());
    const contents = this.window.webContents;
    this.unsubscribe = this.service.onIndexJob((job) => {
      if (!contents.isDestroyed()) contents.send(INDEX_JOB_CHANNEL, job);
    });
    contents.once('did-finish-load', () => {
      // Started once the page listens, so it sees every progress event of these jobs.
      const initial = [...(firstRun ? sampleFiles(files.sampleDir) : []), ...openOnLoad];
      void this.openFiles(initial);
    });
    this.window.on('closed', () => {
      this.unsubscribe();
      void this.readPool.close();
      void this.service.close();
    });
    void this.window.loadURL(APP_ENTRY_URL);
  }

  /** Queues files for indexing; the page follows them through the job events. */
  async openFiles(files: readonly string[]): Promise<void> {
    for (const file of files) await this.service.startIndex(file);
  }

  focus(): void {
    if (this.window.isMinimized()) this.window.restore();
    this.window.focus();
  }
}
