-- For each invalid ID number seen in the period: the valid numbers of known persons that are
-- one substituted character or two swapped adjacent characters away from it.
-- @inputs int_id_observations, int_known_persons
-- @test not_null: id, candidate, kind
WITH invalid AS (
  SELECT DISTINCT id FROM int_id_observations
  WHERE problem IS NOT NULL AND regexp_full_match(id, '[0-9X]{18}')
),
substitutions AS (
  SELECT i.id, substr(i.id, 1, p - 1) || d || substr(i.id, p + 1) AS candidate, 'substitution' AS kind, p AS position
  FROM invalid i, range(1, 19) AS positions(p), (SELECT unnest(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'X']) AS d) AS characters
  WHERE d <> substr(i.id, p, 1)
),
transpositions AS (
  SELECT i.id, substr(i.id, 1, p - 1) || substr(i.id, p + 1, 1) || substr(i.id, p, 1) || substr(i.id, p + 2) AS candidate, 'transposition' AS kind, p AS position
  FROM invalid i, range(1, 18) AS positions(p)
  WHERE substr(i.id, p, 1) <> substr(i.id, p + 1, 1)
)
SELECT c.id, c.candidate, c.kind, c.position, k.name_key, k.name, k.sex, k.birth_date
FROM (SELECT * FROM substitutions UNION ALL SELECT * FROM transpositions) AS c
JOIN int_known_persons AS k ON k.id = c.candidate
