-- The tax register of the period (the datasets playing tax-register), one row per taxpayer
-- number (the USCC).
-- @inputs stg_tax_register
-- @test unique: uscc
-- @test not_null: uscc, department
SELECT taxpayer_id AS uscc, taxpayer_name, tax_status, last_filing_month,
  _connector AS connector, _department AS department, _batch_id AS batch_id, _file AS file, _line AS line
FROM stg_tax_register
WHERE _period = $period AND taxpayer_id IS NOT NULL
QUALIFY row_number() OVER (PARTITION BY taxpayer_id ORDER BY _file, _line) = 1
