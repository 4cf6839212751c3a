// SQL console queries of the desktop app run in Electron utility processes: forking Electron's
// own binary as Node (child_process.fork) needs the runAsNode fuse, which the packaged app turns
// off. The service's query pool (src-main/service/sql-pool.ts) starts them through this adaptor.
// No electron import at run time (the fork function is passed in), so tests drive it.

import type { ForkOptions, UtilityProcess } from 'electron';
import type { QueryJob, QueryProcess, QueryReply } from '../../service/sql-pool.ts';

type Fork = (modulePath: string, args?: string[], options?: ForkOptions) => UtilityProcess;

/** Starts the bundled sql-worker (`workerFile`) in a utility process. */
export function utilityQueryProcess(fork: Fork, workerFile: string): QueryProcess {
  const child = fork(workerFile, [], { serviceName: 'Goroscope SQL query', stdio: 'ignore' });
  return {
    send: (job: QueryJob) => child.postMessage(job),
    onReply: (listener: (reply: QueryReply) => void) => void child.once('message', (m: QueryReply) => listener(m)),
    onExit: (listener: (code: number | null) => void) => void child.once('exit', (code: number) => listener(code)),
    kill: () => void child.kill(),
  };
}
