-- The tax register of the period, one row per taxpayer number (the USCC).
SELECT taxpayer_id AS uscc, taxpayer_name, tax_status, last_filing_month, _batch_id AS batch_id, _file AS file, _line AS line
FROM tax_registration
WHERE _period = $period AND taxpayer_id IS NOT NULL
QUALIFY row_number() OVER (PARTITION BY taxpayer_id ORDER BY _file, _line) = 1
