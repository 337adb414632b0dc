-- The period's "two subsidies" payments (the datasets playing subsidy-payments), each resolved
-- to a person, with the month the ledger describes; an exact copy of a row is one payment.
-- @inputs stg_subsidy_payments, int_resolved_ids
-- @test not_null: subsidy_type, pay_month, reference_period, file, line
-- @test accepted_values: subsidy_type in living, nursing
SELECT
  r.resolved_id AS id, s.id_number_original, s.name, s.subsidy_type, s.pay_month, s.amount, s.certificate_number, s.reference_period,
  min(s._department) AS department, min(s._batch_id) AS batch_id, arg_min(s._file, s._line) AS file, min(s._line) AS line
FROM stg_subsidy_payments AS s
LEFT JOIN int_resolved_ids AS r ON r.connector = s._connector AND r.file = s._file AND r.line = s._line AND r.field = 'id_number'
WHERE s._period = $period AND s.subsidy_type IS NOT NULL
GROUP BY ALL
