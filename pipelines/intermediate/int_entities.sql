-- The business register of the period (the datasets playing business-register), one row per
-- USCC (the first row that carries it), with the legal representative resolved to a person.
-- @inputs stg_business_register, int_resolved_ids
-- @test unique: uscc
-- @test not_null: uscc, department
SELECT
  b.uscc, b.uscc_original, b.name, dx_name_key(b.name) AS name_key, b.entity_type, b.legal_representative_name, r.resolved_id AS legal_representative_id,
  b.registered_address, b.establishment_date, b.registered_capital, b.status, b.status_date,
  b._department AS department, b._batch_id AS batch_id, b._file AS file, b._line AS line
FROM stg_business_register AS b
LEFT JOIN int_resolved_ids AS r
  ON r.connector = b._connector AND r.file = b._file AND r.line = b._line AND r.field = 'legal_representative_id_number'
WHERE b._period = $period AND b.uscc IS NOT NULL
QUALIFY row_number() OVER (PARTITION BY b.uscc ORDER BY b._file, b._line) = 1
