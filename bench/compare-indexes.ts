// node --import tsx bench/compare-indexes.ts A.db B.db
//
// Whether two index files hold the same rows, table by table: a SHA-256 of each table's rows in
// the order of all their columns (SELECT * … ORDER BY 1, 2, …), and the row counts. meta is
// compared key by key and its differing keys are listed (source_path differs when the same trace
// was indexed from two paths). For checking that a change to the indexer writes the same index.
// Exits 1 when a table other than meta differs.

import { indexDigests as digests } from './index-digests.ts';

const [a, b] = process.argv.slice(2);
if (!a || !b) {
  process.stderr.write('usage: node --import tsx bench/compare-indexes.ts A.db B.db\n');
  process.exit(2);
}

const left = digests(a);
const right = digests(b);
let differ = 0;
for (const name of new Set([...left.tables.keys(), ...right.tables.keys()])) {
  const l = left.tables.get(name);
  const r = right.tables.get(name);
  const same = l !== undefined && r !== undefined && l.rows === r.rows && l.sha256 === r.sha256;
  if (!same && name !== 'meta') differ++;
  console.log(`${same ? 'same   ' : 'DIFFERS'} ${name.padEnd(28)} ${l ? `${l.rows} rows ${l.sha256}` : 'missing'}  ${r ? `${r.rows} rows ${r.sha256}` : 'missing'}`);
}
for (const key of new Set([...left.meta.keys(), ...right.meta.keys()])) {
  if (left.meta.get(key) !== right.meta.get(key)) console.log(`meta ${key} differs: ${left.meta.get(key)?.slice(0, 80)} | ${right.meta.get(key)?.slice(0, 80)}`);
}
console.log(differ === 0 ? 'every table but meta is identical' : `${differ} tables differ`);
process.exit(differ === 0 ? 0 : 1);
