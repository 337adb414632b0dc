-- Identity resolution of invalid ID numbers, precision first: a number is linked to a known
-- person only when exactly one candidate fits, fitting meaning the name agrees (spacing, the
-- middle dot and traditional characters aside) and the police's birth date and sex for that
-- person are the ones the candidate number encodes. Everything else stays unresolved for a
-- steward. Every decision keeps its evidence. A repair a steward rejected (in the console or
-- the API) stays unlinked when the period is governed again, with the steward's reason.
-- @inputs int_id_observations, int_id_candidates, steward_repair_rejections
-- @test unique: connector, file, line, field
-- @test accepted_values: status in repaired, unresolved, rejected
-- @test expression: (status = 'repaired') = (repaired_id IS NOT NULL)
-- @test relationships: repaired_id -> int_known_persons.id
WITH judged AS (
  SELECT
    o.dataset, o.field, o.connector, o.department, o.batch_id, o.file, o.line, o.id, o.original, o.name, o.problem,
    c.candidate, c.kind, c.position, c.name AS candidate_name,
    o.name_key IS NOT NULL AND c.name_key = o.name_key
      AND c.birth_date = CAST(strptime(substr(c.candidate, 7, 8), '%Y%m%d') AS DATE)
      AND c.sex = CASE WHEN CAST(substr(c.candidate, 17, 1) AS INTEGER) % 2 = 1 THEN 'M' ELSE 'F' END AS fits
  FROM int_id_observations AS o
  LEFT JOIN int_id_candidates AS c ON c.id = o.id
  WHERE o.problem IS NOT NULL
),
repairs AS (
SELECT
  dataset, field, connector, department, batch_id, file, line, id AS original_id, original, name, problem,
  CASE WHEN count(DISTINCT candidate) FILTER (WHERE fits) = 1 THEN 'repaired' ELSE 'unresolved' END AS status,
  CASE WHEN count(DISTINCT candidate) FILTER (WHERE fits) = 1 THEN any_value(candidate) FILTER (WHERE fits) END AS repaired_id,
  CASE
    WHEN count(DISTINCT candidate) FILTER (WHERE fits) = 1 THEN
      any_value(kind) FILTER (WHERE fits) || ' at position ' || any_value(position) FILTER (WHERE fits)
      || '; name ' || any_value(candidate_name) FILTER (WHERE fits) || ' agrees; birth date and sex agree with the police register'
    WHEN name IS NULL THEN 'no name beside the number to confirm a candidate (' || count(DISTINCT candidate) || ' candidate(s))'
    WHEN count(DISTINCT candidate) FILTER (WHERE fits) > 1 THEN count(DISTINCT candidate) FILTER (WHERE fits) || ' candidates fit: ambiguous'
    WHEN count(DISTINCT candidate) > 0 THEN count(DISTINCT candidate) || ' candidate(s) one keystroke away, none with this name'
    ELSE 'no known person one keystroke away'
  END AS evidence,
  count(DISTINCT candidate) AS candidates,
  list(DISTINCT candidate ORDER BY candidate) FILTER (WHERE candidate IS NOT NULL) AS candidate_ids
FROM judged
GROUP BY dataset, field, connector, department, batch_id, file, line, id, original, name, problem
)
SELECT
  r.* REPLACE (
    CASE WHEN x.repair_id IS NOT NULL AND r.status = 'repaired' THEN 'rejected' ELSE r.status END AS status,
    CASE WHEN x.repair_id IS NOT NULL THEN NULL ELSE r.repaired_id END AS repaired_id,
    CASE WHEN x.repair_id IS NOT NULL AND r.status = 'repaired'
      THEN 'rejected by ' || x.decided_by || ': ' || x.reason || ' (the repair was: ' || r.evidence || ')'
      ELSE r.evidence END AS evidence
  )
FROM repairs AS r
LEFT JOIN steward_repair_rejections AS x
  ON x.repair_id = substr(sha256(concat_ws('|', CAST($period AS VARCHAR), r.connector, r.file, CAST(r.line AS VARCHAR), r.field)), 1, 16)
