-- Property titles per owner (the datasets playing property-titles): persons (as owner or
-- co-owner, by resolved ID) and entities (by USCC), with the first title's row as provenance.
-- @inputs stg_property_titles, int_resolved_ids
-- @test unique: owner_type, owner
-- @test accepted_values: owner_type in person, entity
WITH person_owners AS (
  SELECT r.resolved_id AS owner, t.certificate_number, t._department AS department, t._batch_id AS batch_id, t._file AS file, t._line AS line
  FROM stg_property_titles AS t
  JOIN int_resolved_ids AS r ON r.connector = t._connector AND r.file = t._file AND r.line = t._line
    AND r.field IN ('owner_id_number', 'co_owner_id_number')
  WHERE t._period = $period AND r.resolved_id IS NOT NULL
),
entity_owners AS (
  SELECT owner_uscc AS owner, certificate_number, _department AS department, _batch_id AS batch_id, _file AS file, _line AS line
  FROM stg_property_titles WHERE _period = $period AND owner_uscc IS NOT NULL
)
SELECT 'person' AS owner_type, owner, count(DISTINCT certificate_number) AS property_count,
  arg_min(department, (file, line)) AS department, arg_min(batch_id, (file, line)) AS batch_id, min(file) AS file, arg_min(line, (file, line)) AS line
FROM person_owners GROUP BY owner
UNION ALL
SELECT 'entity', owner, count(DISTINCT certificate_number),
  arg_min(department, (file, line)), arg_min(batch_id, (file, line)), min(file), arg_min(line, (file, line))
FROM entity_owners GROUP BY owner
