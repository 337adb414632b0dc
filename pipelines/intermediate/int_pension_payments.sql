-- The period's pension payments (the datasets playing pension-payments), each resolved to a
-- person, with the month the ledger describes. An exact copy of a row (same person, month,
-- amount and bank) is one payment: the checks already report it as a duplicate, and counting
-- it twice would overstate what was paid.
-- @inputs stg_pension_payments, int_resolved_ids
-- @test not_null: pay_month, reference_period, file, line
SELECT
  r.resolved_id AS id, p.id_number_original, p.name, p.pay_month, p.amount, p.bank, p.reference_period,
  min(p._department) AS department, min(p._batch_id) AS batch_id, arg_min(p._file, p._line) AS file, min(p._line) AS line
FROM stg_pension_payments AS p
LEFT JOIN int_resolved_ids AS r ON r.connector = p._connector AND r.file = p._file AND r.line = p._line AND r.field = 'id_number'
WHERE p._period = $period AND p.pay_month IS NOT NULL
GROUP BY ALL
