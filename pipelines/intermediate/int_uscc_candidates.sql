-- For each credit code seen in the period that fails its GB 32100 check (outside the business
-- register): the valid codes of registered companies that are one substituted character (over
-- the code's alphabet, which has no I, O, S, V or Z) or two swapped adjacent characters away.
-- @inputs int_uscc_observations, int_entities
-- @test not_null: code, candidate, kind
WITH invalid AS (
  SELECT DISTINCT code FROM int_uscc_observations WHERE problem IS NOT NULL AND length(code) = 18
),
registered AS (
  SELECT uscc, name, name_key FROM int_entities WHERE dx_uscc_problem(uscc) IS NULL
),
substitutions AS (
  SELECT i.code, substr(i.code, 1, p - 1) || c || substr(i.code, p + 1) AS candidate, 'substitution' AS kind, p AS position
  FROM invalid AS i, range(1, 19) AS positions(p),
    (SELECT unnest(string_split('0123456789ABCDEFGHJKLMNPQRTUWXY', '')) AS c) AS alphabet
  WHERE c <> substr(i.code, p, 1)
),
transpositions AS (
  SELECT i.code, substr(i.code, 1, p - 1) || substr(i.code, p + 1, 1) || substr(i.code, p, 1) || substr(i.code, p + 2) AS candidate, 'transposition' AS kind, p AS position
  FROM invalid AS i, range(1, 18) AS positions(p)
  WHERE substr(i.code, p, 1) <> substr(i.code, p + 1, 1)
)
SELECT c.code, c.candidate, c.kind, c.position, r.name, r.name_key
FROM (SELECT * FROM substitutions UNION ALL SELECT * FROM transpositions) AS c
JOIN registered AS r ON r.uscc = c.candidate
