-- Deaths per person, as each authoritative department attests them: health (medical death
-- certificate), civil affairs (cremation) and the police (cancellation, status "deceased").
WITH records AS (
  SELECT r.resolved_id AS id, d._department AS department, d.record_number, d.death_date, d._batch_id AS batch_id, d._file AS file, d._line AS line
  FROM death_record AS d
  JOIN int_resolved_ids AS r ON r.connector = d._connector AND r.file = d._file AND r.line = d._line AND r.field = 'id_number'
  WHERE d._period = $period AND r.resolved_id IS NOT NULL
),
police AS (
  SELECT id, 'police' AS department, NULL AS record_number, status_date AS death_date, batch_id, file, line
  FROM int_known_persons WHERE status = 'deceased'
),
evidence AS (SELECT * FROM records UNION ALL SELECT * FROM police)
SELECT
  id,
  min(death_date) FILTER (WHERE department = 'health') AS health_death_date,
  min(death_date) FILTER (WHERE department = 'civil-affairs') AS civil_affairs_death_date,
  min(death_date) FILTER (WHERE department = 'police') AS police_cancellation_date,
  list(DISTINCT department ORDER BY department) AS attested_by,
  list({'department': department, 'record': record_number, 'death_date': CAST(death_date AS VARCHAR), 'batch': batch_id, 'file': file, 'line': line}
       ORDER BY department, file, line) AS evidence
FROM evidence
GROUP BY id
