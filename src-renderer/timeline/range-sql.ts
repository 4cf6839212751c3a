// The SQL a range's statistics equal (docs/index-format.md): time by state over goroutine
// intervals clipped to the range, for "open in SQL" and for the tests to check against.

export function rangeStatsSql(t0: number, t1: number): string {
  const a = Math.round(t0);
  const b = Math.round(t1);
  return `-- goroutine time by state and reason in ${a} .. ${b} ns (intervals clipped to the range)
SELECT state, coalesce(s.value, '') AS reason, count(DISTINCT goroutine) AS goroutines,
  sum(min(end_ns, ${b}) - max(start_ns, ${a})) AS ns
FROM goroutine_intervals i LEFT JOIN strings s ON s.id = i.reason
WHERE start_ns < ${b} AND end_ns > ${a} AND state != 'NotExist'
GROUP BY 1, 2 ORDER BY ns DESC`;
}
