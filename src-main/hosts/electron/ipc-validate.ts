// The IPC arguments are validated in main, before the service sees them, by the one table both
// hosts use (HOST_ARGUMENTS in src-main/service/validate.ts): the renderer is untrusted, and an
// Electron window and a `goroscope serve` page are refused exactly the same requests. The request
// validators are re-exported here for the IPC side's tests.

export {
  absolutePath, artefactRef, goroutineListRequest, jobId, plainObject, profileFlameRequest, profileTopRequest, queryRequest, timelineRequest,
} from '../../service/validate.ts';
