-- Disability from the datasets playing disability-certificates: each person's best
-- certificate (a valid one before a cancelled one, then the latest validity). Valid means
-- valid at the end of the month the certificate file describes (its reference period).
-- @inputs stg_disability_certificates, int_resolved_ids
-- @test unique: id
-- @test not_null: id, department
-- @test warn accepted_values: disability_grade in 1, 2, 3, 4
SELECT
  r.resolved_id AS id, c.certificate_number, c.category AS disability_category, c.grade AS disability_grade,
  c.valid_until AS disability_valid_until, c.status AS certificate_status,
  c.status = 'valid' AND c.valid_until >= last_day(CAST(c.reference_period || '-01' AS DATE)) AS disability_certificate_valid,
  c._department AS department, c._batch_id AS batch_id, c._file AS file, c._line AS line
FROM stg_disability_certificates AS c
JOIN int_resolved_ids AS r ON r.connector = c._connector AND r.file = c._file AND r.line = c._line AND r.field = 'id_number'
WHERE c._period = $period AND r.resolved_id IS NOT NULL
QUALIFY row_number() OVER (PARTITION BY r.resolved_id ORDER BY c.status = 'valid' DESC, c.valid_until DESC NULLS LAST, c._file, c._line) = 1
