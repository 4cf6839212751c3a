// Picks the API client for the host the page runs in: Electron's preload sets window.goroscope.

import type { ApiClient } from './client.ts';
import { createHttpClient } from './http-client.ts';
import { createIpcClient } from './ipc-client.ts';

export const api: ApiClient = window.goroscope ? createIpcClient(window.goroscope) : createHttpClient();
