-- Every observed credit code with the registered company it resolves to: itself when its check
-- character holds, the repair when one was made, the code as sent otherwise (an unknown code
-- stays what it is, for the rules that look for unknown parties).
-- @inputs int_uscc_observations, int_uscc_repairs
-- @test unique: connector, file, line, field
SELECT
  o.connector, o.file, o.line, o.field, o.code,
  CASE WHEN o.problem IS NULL THEN o.code ELSE coalesce(r.repaired_code, o.code) END AS resolved_code,
  r.status = 'repaired' AS repaired
FROM int_uscc_observations AS o
LEFT JOIN int_uscc_repairs AS r
  ON r.connector = o.connector AND r.file = o.file AND r.line = o.line AND r.field = o.field
