// Entry point of the trace decoder: sniff the header, then hand the bytes to the reader of that
// format. Both readers yield the same event model (model.ts).

import { fileSource, type ByteSource } from '../source.ts';
import { HEADER_SIZE, parseHeader } from './header.ts';
import { OLD_FORMATS, type TraceReader } from './model.ts';
import { createV1Reader } from './v1/reader.ts';
import { createV2Reader } from './v2/reader.ts';

export interface OpenTraceOptions {
  /**
   * Decode the wire format of the batches ahead on a worker thread while this thread orders the
   * current ones (generation-based traces; v2/wire-parse-thread.ts). Off by default: on a
   * 168 MB trace it saved the decoding thread too little to pay for the thread (bench/README.md).
   */
  readonly wireThread?: boolean;
}

/** Opens a trace from any byte source. Throws DecodeError if the header is not a trace we read. */
export function openTraceSource(source: ByteSource): TraceReader {
  return open(source, null);
}

/** Opens a trace file. */
export function openTrace(path: string, options: OpenTraceOptions = {}): TraceReader {
  return open(fileSource(path), options.wireThread ? path : null);
}

/** `wireThreadPath`: the file a wire-parsing thread may read, null for none. */
function open(source: ByteSource, wireThreadPath: string | null): TraceReader {
  let ok = false;
  try {
    const format = parseHeader(source.name, source.read(0, HEADER_SIZE));
    const reader = OLD_FORMATS.includes(format) ? createV1Reader(source, format) : createV2Reader(source, format, wireThreadPath);
    ok = true;
    return reader;
  } finally {
    if (!ok) source.close();
  }
}
