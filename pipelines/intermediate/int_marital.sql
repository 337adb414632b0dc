-- Marital status from the datasets playing marriages: each person's latest registration.
-- @inputs stg_marriages, int_resolved_ids
-- @test unique: id
-- @test accepted_values: marital_status in married, divorced
WITH registrations AS (
  SELECT m.registration_number, m.kind, m.registration_date, m._department AS department, m._batch_id AS batch_id, m._file AS file, m._line AS line,
         h.resolved_id AS husband, w.resolved_id AS wife
  FROM stg_marriages AS m
  LEFT JOIN int_resolved_ids AS h ON h.connector = m._connector AND h.file = m._file AND h.line = m._line AND h.field = 'husband_id_number'
  LEFT JOIN int_resolved_ids AS w ON w.connector = m._connector AND w.file = m._file AND w.line = m._line AND w.field = 'wife_id_number'
  WHERE m._period = $period
),
parties AS (
  SELECT husband AS id, wife AS other, * EXCLUDE (husband, wife) FROM registrations WHERE husband IS NOT NULL
  UNION ALL
  SELECT wife AS id, husband AS other, * EXCLUDE (husband, wife) FROM registrations WHERE wife IS NOT NULL
)
SELECT
  id,
  CASE kind WHEN 'marriage' THEN 'married' ELSE 'divorced' END AS marital_status,
  CASE WHEN kind = 'marriage' THEN other END AS spouse_id,
  registration_date AS marital_status_date,
  registration_number, department, batch_id, file, line
FROM parties
QUALIFY row_number() OVER (PARTITION BY id ORDER BY registration_date DESC, registration_number DESC, file, line) = 1
