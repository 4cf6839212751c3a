// The new-format (Go 1.22+) reader against Go's own reader-test corpus: every successful case must
// yield exactly the events `go tool trace -d=parsed` prints, every failing case must fail the same way.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openTraceSource } from '../../src-main/decode/gotrace/reader.ts';
import { bytesSource } from '../../src-main/decode/source.ts';
import { DecodeError } from '../../src-main/decode/errors.ts';
import { parseGoTestCase } from '../support/go-test-corpus.ts';
import { firstDifference, readGzipText, renderEvents } from '../support/event-text.ts';

const CORPUS = 'test/fixtures/go-tests';
const cases = fs.readdirSync(CORPUS).filter((f) => f.endsWith('.test')).sort();

test('the corpus of Go reader tests is present', () => {
  assert.ok(cases.length >= 20, `expected Go's reader tests in ${CORPUS}`);
});

for (const file of cases) {
  const name = file.replace(/\.test$/, '');
  test(`go reader test ${name}`, () => {
    const c = parseGoTestCase(fs.readFileSync(path.join(CORPUS, file), 'utf8'));
    const { text, error } = renderEvents(openTraceSource(bytesSource(file, c.bytes)));
    if (c.failure) {
      assert.ok(error instanceof DecodeError, `expected a DecodeError matching ${c.failure}, got ${error}`);
      assert.match(error.message, c.failure);
      return;
    }
    assert.equal(error, null);
    const expected = readGzipText(path.join(CORPUS, `${name}.parsed.txt.gz`));
    assert.ok(text === expected, firstDifference(text, expected));
  });
}
