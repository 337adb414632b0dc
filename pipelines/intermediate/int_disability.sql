-- Disability from the disabled persons' federation: each person's best certificate (a valid
-- one before a cancelled one, then the latest validity).
SELECT
  r.resolved_id AS id, c.certificate_number, c.category AS disability_category, c.grade AS disability_grade,
  c.valid_until AS disability_valid_until, c.status AS certificate_status,
  c.status = 'valid' AND c.valid_until >= CAST($period_end AS DATE) AS disability_certificate_valid,
  c._batch_id AS batch_id, c._file AS file, c._line AS line
FROM disability_certificate AS c
JOIN int_resolved_ids AS r ON r.connector = c._connector AND r.file = c._file AND r.line = c._line AND r.field = 'id_number'
WHERE c._period = $period AND r.resolved_id IS NOT NULL
QUALIFY row_number() OVER (PARTITION BY r.resolved_id ORDER BY c.status = 'valid' DESC, c.valid_until DESC NULLS LAST, c._file, c._line) = 1
