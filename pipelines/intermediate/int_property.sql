-- Property titles per owner: persons (as owner or co-owner, by resolved ID) and entities (by USCC).
WITH person_owners AS (
  SELECT r.resolved_id AS owner, t.certificate_number
  FROM property_title AS t
  JOIN int_resolved_ids AS r ON r.connector = t._connector AND r.file = t._file AND r.line = t._line
    AND r.field IN ('owner_id_number', 'co_owner_id_number')
  WHERE t._period = $period AND r.resolved_id IS NOT NULL
),
entity_owners AS (
  SELECT owner_uscc AS owner, certificate_number FROM property_title WHERE _period = $period AND owner_uscc IS NOT NULL
)
SELECT 'person' AS owner_type, owner, count(DISTINCT certificate_number) AS property_count FROM person_owners GROUP BY owner
UNION ALL
SELECT 'entity', owner, count(DISTINCT certificate_number) FROM entity_owners GROUP BY owner
