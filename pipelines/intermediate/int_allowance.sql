-- Minimum living allowance (低保) membership, from the datasets playing minimum-living-allowance.
-- @inputs stg_minimum_living_allowance, int_resolved_ids
-- @test unique: id
-- @test not_null: id, department
SELECT
  r.resolved_id AS id,
  bool_or(m.status = 'active') AS minimum_living_allowance,
  arg_max(m.family_number, m.status = 'active') AS allowance_family_number,
  arg_min(m._department, (m._file, m._line)) AS department,
  arg_min(m._batch_id, m._line) AS batch_id, arg_min(m._file, m._line) AS file, min(m._line) AS line
FROM stg_minimum_living_allowance AS m
JOIN int_resolved_ids AS r ON r.connector = m._connector AND r.file = m._file AND r.line = m._line AND r.field = 'id_number'
WHERE m._period = $period AND r.resolved_id IS NOT NULL
GROUP BY r.resolved_id
