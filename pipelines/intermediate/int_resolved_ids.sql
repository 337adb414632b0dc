-- Every observed ID number with the person it resolves to: itself when valid, the repair when
-- one was made, NULL when it stays unresolved.
-- @inputs int_id_observations, int_id_repairs
-- @test unique: connector, file, line, field
SELECT
  o.*,
  CASE WHEN o.problem IS NULL THEN o.id ELSE r.repaired_id END AS resolved_id
FROM int_id_observations AS o
LEFT JOIN int_id_repairs AS r
  ON r.connector = o.connector AND r.file = o.file AND r.line = o.line AND r.field = o.field
