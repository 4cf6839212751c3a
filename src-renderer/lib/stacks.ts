// Blocking stacks as a Go engineer reads them: the frames the program wrote, with the runtime's
// and the standard library's blocking internals folded away, and the "site" a wait is told by.
// The rule is the service's (isInternalFrame, siteFrameIndex): a site the service names is the
// first frame this file does not fold.

import { isInternalFrame, siteFrameIndex as serviceSiteFrame } from '../../src-main/service/types.ts';

export interface Frame {
  func: string;
  file: string;
  line: number;
}

export { isInternalFrame };

/** The frame a blocking stack (innermost first) is told by: the first outside the internals, else the innermost; -1 for no stack. */
export function siteFrameIndex(stack: readonly { func: string }[]): number {
  return stack.length === 0 ? -1 : serviceSiteFrame(stack);
}

/** A service site, "main.lookup app/leak.go:39", split into the function and where it is. */
export function splitSite(site: string): { func: string; where: string } {
  const space = site.lastIndexOf(' ');
  return space < 0 ? { func: site, where: '' } : { func: site.slice(0, space), where: site.slice(space + 1) };
}

/** "app/leak.go:39": a frame's file as sites name it (its last two path elements) and line. */
export function shortWhere(f: Frame): string {
  return `${f.file.split('/').slice(-2).join('/')}${f.line > 0 ? `:${f.line}` : ''}`;
}

/**
 * The caller of a stack's site frame, when it says something: two rows of a table with the same
 * site (the same lock taken from two places) are told apart by it. Null at the goroutine's root.
 */
export function siteCaller(stack: readonly Frame[]): Frame | null {
  const i = siteFrameIndex(stack);
  const caller = i >= 0 ? stack[i + 1] : undefined;
  return caller && !caller.func.startsWith('runtime.goexit') ? caller : null;
}

/** A stack cut into runs: frames shown as they are, and runs of internal frames folded into one line. */
export type StackRun = { folded: false; frame: Frame; index: number } | { folded: true; frames: Frame[]; runtimeOnly: boolean };

/**
 * Runs of internal frames become one folded run each, in place (innermost first is kept, as Go
 * prints stacks). A stack with no frame of the program's (a runtime goroutine) folds nothing:
 * there would be nothing left to read.
 */
export function foldStack(stack: readonly Frame[]): StackRun[] {
  if (!stack.some((f) => !isInternalFrame(f.func))) return stack.map((frame, index) => ({ folded: false, frame, index }));
  const runs: StackRun[] = [];
  stack.forEach((frame, index) => {
    const last = runs[runs.length - 1];
    if (!isInternalFrame(frame.func)) runs.push({ folded: false, frame, index });
    else if (last?.folded) {
      last.frames.push(frame);
      last.runtimeOnly &&= frame.func.startsWith('runtime.');
    } else runs.push({ folded: true, frames: [frame], runtimeOnly: frame.func.startsWith('runtime.') });
  });
  return runs;
}
