// Goroutine states: the one table every layer derives from. Their names are Go's
// GoState.String(); their codes (the index in GO_STATES) are what the index stores
// (index/schema.ts), what goroutine records carry between the indexing threads
// (index/goroutine-events.ts), and what the service's answers are indexed by
// (service/types.ts GOROUTINE_STATES, shared with the renderer). No imports: the renderer bundles it.

/** Goroutine states in code order: a state's code is its index here. */
export const GO_STATES = ['Undetermined', 'NotExist', 'Runnable', 'Running', 'Waiting', 'Syscall'] as const;

/** Goroutine states as Go's GoState.String() prints them. "Executing" = Running or Syscall. */
export type GoState = (typeof GO_STATES)[number];

/** A goroutine state's code, by name. */
export const GO_STATE = Object.fromEntries(GO_STATES.map((s, i) => [s, i])) as { readonly [S in GoState]: number };
