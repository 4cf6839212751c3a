// The views, each in a chunk of its own loaded when first shown: the page opens with the shell
// and the one view it shows, not every view's code (chart.js, the flame graph, the SQL console).
// On a cold start that parse was most of the time before the first request could be sent. A
// view's chunk is fetched once; its promise is kept, so showing it again renders at once.

import type { Component } from 'svelte';

type Loader = () => Promise<{ default: Component<any> }>;

const loaders = {
  triage: () => import('../views/Triage.svelte'),
  library: () => import('../views/Library.svelte'),
  overview: () => import('../views/Overview.svelte'),
  timeline: () => import('../views/Timeline.svelte'),
  gc: () => import('../views/Gc.svelte'),
  goroutines: () => import('../views/Goroutines.svelte'),
  blocking: () => import('../views/Blocking.svelte'),
  leaks: () => import('../views/Leaks.svelte'),
  profiles: () => import('../views/Profiles.svelte'),
  diff: () => import('../views/Diff.svelte'),
  sql: () => import('../views/Sql.svelte'),
} satisfies Record<string, Loader>;

export type LazyViewId = keyof typeof loaders;

const loaded = new Map<LazyViewId, Promise<Component<any>>>();

/** The view's component, loading its chunk the first time. */
export function lazyView(id: LazyViewId): Promise<Component<any>> {
  let p = loaded.get(id);
  if (!p) loaded.set(id, (p = (loaders[id] as Loader)().then((m) => m.default)));
  return p;
}
