// Entry point of the trace decoder: sniff the header, then hand the bytes to the reader of that
// format. Both readers yield the same event model (model.ts).

import { fileSource, type ByteSource } from '../source.ts';
import { HEADER_SIZE, parseHeader } from './header.ts';
import { OLD_FORMATS, type TraceReader } from './model.ts';
import { createV1Reader } from './v1/reader.ts';
import { createV2Reader } from './v2/reader.ts';

/** Opens a trace from any byte source. Throws DecodeError if the header is not a trace we read. */
export function openTraceSource(source: ByteSource): TraceReader {
  let ok = false;
  try {
    const format = parseHeader(source.name, source.read(0, HEADER_SIZE));
    const reader = OLD_FORMATS.includes(format) ? createV1Reader(source, format) : createV2Reader(source, format);
    ok = true;
    return reader;
  } finally {
    if (!ok) source.close();
  }
}

/** Opens a trace file. */
export function openTrace(path: string): TraceReader {
  return openTraceSource(fileSource(path));
}
