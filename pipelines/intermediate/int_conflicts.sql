-- Where departments disagree. The view keeps the authoritative value; this keeps both sides,
-- and the rows they come from, for a steward. Each side is named by its row's department.
-- @inputs int_known_persons, int_deaths, int_resolved_ids, int_entities, int_taxpayers
-- @test not_null: kind, subject_type, subject_id, authority
-- @test accepted_values: kind in alive_in_police_dead_elsewhere, death_date_mismatch, name_mismatch, deregistered_but_tax_active
WITH persons_dead_elsewhere AS (
  SELECT k.*, d.health_death_date, d.civil_affairs_death_date, d.evidence
  FROM int_known_persons AS k JOIN int_deaths AS d ON d.id = k.id
  WHERE k.status = 'normal' AND (d.health_death_date IS NOT NULL OR d.civil_affairs_death_date IS NOT NULL)
),
death_sources AS (
  SELECT id, list_transform(evidence, e -> {'department': e.department, 'value': e.death_date, 'batch': e.batch, 'file': e.file, 'line': e.line}) AS sources
  FROM int_deaths
)
SELECT
  'alive_in_police_dead_elsewhere' AS kind, 'person' AS subject_type, p.id AS subject_id,
  p.department AS authority, 'normal' AS authority_value,
  array_to_string(list_filter(list_transform(s.sources, x -> x.department), x -> x <> p.department), ',') AS other_department,
  CAST(coalesce(p.health_death_date, p.civil_affairs_death_date) AS VARCHAR) AS other_value,
  list_prepend({'department': p.department, 'value': 'normal', 'batch': p.batch_id, 'file': p.file, 'line': p.line}, s.sources) AS sources
FROM persons_dead_elsewhere AS p JOIN death_sources AS s ON s.id = p.id
UNION ALL
SELECT
  'death_date_mismatch', 'person', d.id, d.medical_certificate_department, CAST(d.health_death_date AS VARCHAR),
  d.funeral_record_department, CAST(d.civil_affairs_death_date AS VARCHAR), s.sources
FROM int_deaths AS d JOIN death_sources AS s ON s.id = d.id
WHERE d.health_death_date <> d.civil_affairs_death_date
UNION ALL
SELECT
  'name_mismatch', 'person', k.id, k.department, k.name, o.department, o.name,
  [{'department': k.department, 'value': k.name, 'batch': k.batch_id, 'file': k.file, 'line': k.line},
   {'department': o.department, 'value': o.name, 'batch': o.batch_id, 'file': o.file, 'line': o.line}]
FROM int_resolved_ids AS o JOIN int_known_persons AS k ON k.id = o.resolved_id
WHERE o.name_key IS NOT NULL AND o.name_key <> k.name_key
UNION ALL
SELECT
  'deregistered_but_tax_active', 'entity', e.uscc, e.department, e.status, t.department, t.tax_status,
  [{'department': e.department, 'value': e.status, 'batch': e.batch_id, 'file': e.file, 'line': e.line},
   {'department': t.department, 'value': t.tax_status, 'batch': t.batch_id, 'file': t.file, 'line': t.line}]
FROM int_entities AS e JOIN int_taxpayers AS t ON t.uscc = e.uscc
WHERE e.status IN ('deregistered', 'revoked') AND t.tax_status = 'normal'
