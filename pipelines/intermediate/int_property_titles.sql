-- The real-estate register's titles of the period (the datasets playing property-titles), one
-- row per certificate (the first row that carries it), owners resolved to persons. Application
-- review reads them from the published snapshot ("is this title in the applicant's or the
-- spouse's name?"), with the department that registered it.
-- @inputs stg_property_titles, int_resolved_ids
-- @test unique: certificate_number
-- @test not_null: certificate_number, department
SELECT
  t.certificate_number, t.unit_number, substr(t.unit_number, 1, 6) AS area_code, t.owner_type, t.owner_name,
  o.resolved_id AS owner_id, c.resolved_id AS co_owner_id, t.owner_uscc,
  t.address, t.floor_area, t.usage, t.registration_date,
  t._department AS department, t._batch_id AS batch_id, t._file AS file, t._line AS line
FROM stg_property_titles AS t
LEFT JOIN int_resolved_ids AS o ON o.connector = t._connector AND o.file = t._file AND o.line = t._line AND o.field = 'owner_id_number'
LEFT JOIN int_resolved_ids AS c ON c.connector = t._connector AND c.file = t._file AND c.line = t._line AND c.field = 'co_owner_id_number'
WHERE t._period = $period AND t.certificate_number IS NOT NULL
QUALIFY row_number() OVER (PARTITION BY t.certificate_number ORDER BY t._file, t._line) = 1
