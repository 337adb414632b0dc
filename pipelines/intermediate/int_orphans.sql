-- Records about someone no register knows: a valid (or repaired) ID number, in a dataset whose
-- role names persons the register should know (schemas/roles.json "subjects"), absent from
-- the population register; a taxpayer or penalised party absent from the business register.
-- @inputs int_resolved_ids, int_known_persons, int_taxpayers, int_penalties, int_entities, stg_connector_roles
-- @test not_null: subject_type, subject_id, dataset, department, file, line
WITH person_datasets AS (SELECT DISTINCT connector FROM stg_connector_roles WHERE subjects = 'person'),
schema_of AS (SELECT connector, any_value(schema_name) AS dataset FROM stg_connector_roles GROUP BY connector)
SELECT
  'person' AS subject_type, o.resolved_id AS subject_id, o.dataset, o.field, o.department,
  o.batch_id AS batch, o.file, o.line
FROM int_resolved_ids AS o
WHERE o.resolved_id IS NOT NULL
  AND o.connector IN (SELECT connector FROM person_datasets)
  AND NOT EXISTS (SELECT 1 FROM int_known_persons AS k WHERE k.id = o.resolved_id)
UNION ALL
SELECT 'entity', t.uscc, s.dataset, 'taxpayer_id', t.department, t.batch_id, t.file, t.line
FROM int_taxpayers AS t JOIN schema_of AS s ON s.connector = t.connector
WHERE NOT EXISTS (SELECT 1 FROM int_entities AS e WHERE e.uscc = t.uscc)
UNION ALL
SELECT 'entity', p.party_uscc, s.dataset, 'party_uscc', p.department, p.batch_id, p.file, p.line
FROM int_penalties AS p JOIN schema_of AS s ON s.connector = p.connector
WHERE NOT EXISTS (SELECT 1 FROM int_entities AS e WHERE e.uscc = p.party_uscc)
