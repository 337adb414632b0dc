-- USCC repair, precision first, as ID repair: a code failing its check character is linked to
-- a registered company only when exactly one company one keystroke away has the same name
-- (spacing, the middle dot, traditional characters and full-width brackets aside). Ambiguous,
-- nameless or unmatched codes stay unresolved for a steward, with the reason. A repair a
-- steward rejected stays unlinked when the period is governed again.
-- @inputs int_uscc_observations, int_uscc_candidates, steward_repair_rejections
-- @test unique: connector, file, line, field
-- @test accepted_values: status in repaired, unresolved, rejected
-- @test expression: (status = 'repaired') = (repaired_code IS NOT NULL)
-- @test relationships: repaired_code -> int_entities.uscc
WITH judged AS (
  SELECT
    o.dataset, o.field, o.connector, o.department, o.batch_id, o.file, o.line, o.code, o.original, o.name, o.problem,
    c.candidate, c.kind, c.position, c.name AS candidate_name,
    o.name_key IS NOT NULL AND c.name_key = o.name_key AS fits
  FROM int_uscc_observations AS o
  LEFT JOIN int_uscc_candidates AS c ON c.code = o.code
  WHERE o.problem IS NOT NULL
),
repairs AS (
  SELECT
    dataset, field, connector, department, batch_id, file, line, code AS original_code, original, name, problem,
    CASE WHEN count(DISTINCT candidate) FILTER (WHERE fits) = 1 THEN 'repaired' ELSE 'unresolved' END AS status,
    CASE WHEN count(DISTINCT candidate) FILTER (WHERE fits) = 1 THEN any_value(candidate) FILTER (WHERE fits) END AS repaired_code,
    CASE
      WHEN count(DISTINCT candidate) FILTER (WHERE fits) = 1 THEN
        any_value(kind) FILTER (WHERE fits) || ' at position ' || any_value(position) FILTER (WHERE fits)
        || '; name ' || any_value(candidate_name) FILTER (WHERE fits) || ' agrees with the business register'
      WHEN name IS NULL THEN 'no name beside the code to confirm a candidate (' || count(DISTINCT candidate) || ' candidate(s))'
      WHEN count(DISTINCT candidate) FILTER (WHERE fits) > 1 THEN count(DISTINCT candidate) FILTER (WHERE fits) || ' registered companies fit: ambiguous'
      WHEN count(DISTINCT candidate) > 0 THEN count(DISTINCT candidate) || ' registered compan(ies) one keystroke away, none with this name'
      ELSE 'no registered company one keystroke away'
    END AS evidence,
    count(DISTINCT candidate) AS candidates,
    list(DISTINCT candidate ORDER BY candidate) FILTER (WHERE candidate IS NOT NULL) AS candidate_codes
  FROM judged
  GROUP BY dataset, field, connector, department, batch_id, file, line, code, original, name, problem
)
SELECT
  r.* REPLACE (
    CASE WHEN x.repair_id IS NOT NULL AND r.status = 'repaired' THEN 'rejected' ELSE r.status END AS status,
    CASE WHEN x.repair_id IS NOT NULL THEN NULL ELSE r.repaired_code END AS repaired_code,
    CASE WHEN x.repair_id IS NOT NULL AND r.status = 'repaired'
      THEN 'rejected by ' || x.decided_by || ': ' || x.reason || ' (the repair was: ' || r.evidence || ')'
      ELSE r.evidence END AS evidence
  ),
  substr(sha256(concat_ws('|', CAST($period AS VARCHAR), r.connector, r.file, CAST(r.line AS VARCHAR), r.field)), 1, 16) AS repair_id
FROM repairs AS r
LEFT JOIN steward_repair_rejections AS x
  ON x.repair_id = substr(sha256(concat_ws('|', CAST($period AS VARCHAR), r.connector, r.file, CAST(r.line AS VARCHAR), r.field)), 1, 16)
