-- The tax register of the period (the datasets playing tax-register), one row per taxpayer
-- number (the USCC), a mistyped number read as the registered company's code it was repaired
-- to (the number as sent is kept beside it).
-- @inputs stg_tax_register, int_resolved_usccs
-- @test unique: uscc
-- @test not_null: uscc, department
SELECT coalesce(r.resolved_code, t.taxpayer_id) AS uscc, t.taxpayer_id AS taxpayer_id_as_sent, t.taxpayer_name, t.tax_status, t.last_filing_month,
  t._connector AS connector, t._department AS department, t._batch_id AS batch_id, t._file AS file, t._line AS line
FROM stg_tax_register AS t
LEFT JOIN int_resolved_usccs AS r ON r.connector = t._connector AND r.file = t._file AND r.line = t._line AND r.field = 'taxpayer_id'
WHERE t._period = $period AND t.taxpayer_id IS NOT NULL
QUALIFY row_number() OVER (PARTITION BY coalesce(r.resolved_code, t.taxpayer_id) ORDER BY coalesce(r.repaired, false), t._file, t._line) = 1
