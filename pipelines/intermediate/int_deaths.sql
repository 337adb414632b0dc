-- Deaths per person, as each department attests them: a medical death certificate, a funeral
-- record (cremation, burial) from the death-evidence datasets, and the population register's
-- cancellation (status "deceased"). What kind of evidence a record is comes from its canonical
-- source_kind, and who attests it from the row's own department: no department is named here.
-- The health_/civil_affairs_ column names are the medical certificate's and the funeral
-- record's dates (kept for the snapshot's readers).
-- @inputs stg_death_evidence, int_resolved_ids, int_known_persons
-- @test unique: id
-- @test not_null: id, attested_by
-- @test warn expression: coalesce(health_death_date, civil_affairs_death_date, police_cancellation_date) IS NOT NULL
WITH records AS (
  SELECT r.resolved_id AS id, d._department AS department, d.source_kind AS kind, d.record_number, d.death_date, d._batch_id AS batch_id, d._file AS file, d._line AS line
  FROM stg_death_evidence AS d
  JOIN int_resolved_ids AS r ON r.connector = d._connector AND r.file = d._file AND r.line = d._line AND r.field = 'id_number'
  WHERE d._period = $period AND r.resolved_id IS NOT NULL AND d.death_date IS NOT NULL
),
cancellations AS (
  SELECT id, department, 'register_cancellation' AS kind, NULL AS record_number, status_date AS death_date, batch_id, file, line
  FROM int_known_persons WHERE status = 'deceased'
),
evidence AS (SELECT * FROM records UNION ALL SELECT * FROM cancellations)
SELECT
  id,
  min(death_date) FILTER (WHERE kind = 'medical_certificate') AS health_death_date,
  min(death_date) FILTER (WHERE kind NOT IN ('medical_certificate', 'register_cancellation')) AS civil_affairs_death_date,
  min(death_date) FILTER (WHERE kind = 'register_cancellation') AS police_cancellation_date,
  arg_min(department, (death_date, department)) FILTER (WHERE kind = 'medical_certificate') AS medical_certificate_department,
  arg_min(department, (death_date, department)) FILTER (WHERE kind NOT IN ('medical_certificate', 'register_cancellation')) AS funeral_record_department,
  list(DISTINCT department ORDER BY department) AS attested_by,
  list({'department': department, 'record': record_number, 'death_date': CAST(death_date AS VARCHAR), 'batch': batch_id, 'file': file, 'line': line, 'kind': kind}
       ORDER BY department, file, line) AS evidence
FROM evidence
GROUP BY id
