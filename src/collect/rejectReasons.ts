/**
 * DuckDB's CSV rejects in the steward's words: "6 cells where the header has 13" rather than
 * "MISSING COLUMNS: Expected Number of Columns: 14 Found: 7". The staged copy carries the line
 * number as its first column, so DuckDB's counts are one more than the department's.
 */

/** SQL over a rejects table's `error_type` and `error_message`: one humane reason. */
export function rejectReasonSql(): string {
  const expected = `TRY_CAST(regexp_extract(error_message, 'Expected Number of Columns: (\\d+)', 1) AS BIGINT) - 1`;
  const found = `TRY_CAST(regexp_extract(error_message, 'Found: (\\d+)', 1) AS BIGINT) - 1`;
  return `CASE
    WHEN error_type IN ('MISSING COLUMNS', 'TOO MANY COLUMNS') AND ${found} IS NOT NULL
      THEN CAST(${found} AS VARCHAR) || ' cells where the header has ' || CAST(${expected} AS VARCHAR)
        || CASE WHEN error_type = 'TOO MANY COLUMNS' THEN ' (a delimiter inside a value that is not quoted?)' ELSE '' END
    WHEN error_type = 'UNQUOTED VALUE' THEN 'a quote inside a value that is not itself quoted (write "" for a quote within quotes)'
    WHEN error_type = 'LINE SIZE OVER MAXIMUM' THEN 'the line is longer than the reader allows'
    WHEN error_type = 'INVALID ENCODING' OR error_type = 'INVALID UNICODE' THEN 'bytes that are not valid text'
    ELSE lower(error_type) || ': ' || error_message END`;
}

/** SQL ranking a rejects row: a wrong cell count explains the rest of the line's errors, so it wins. */
export function rejectRankSql(): string {
  return `CASE error_type WHEN 'MISSING COLUMNS' THEN 0 WHEN 'TOO MANY COLUMNS' THEN 0 WHEN 'UNQUOTED VALUE' THEN 1 ELSE 2 END`;
}
