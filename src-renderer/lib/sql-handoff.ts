// A query handed from a view to the SQL console ("open in SQL"): kept for the session until the
// console takes it, so the console opens with it instead of its example.

const KEY = 'goroscope.sql.handoff';

export function handOffSql(sql: string): void {
  sessionStorage.setItem(KEY, sql);
}

/** The query handed over, once (null when none). */
export function takeHandedSql(): string | null {
  const sql = sessionStorage.getItem(KEY);
  if (sql !== null) sessionStorage.removeItem(KEY);
  return sql;
}
