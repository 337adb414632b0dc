-- The period's "two subsidies" payments, each resolved to a person; an exact copy of a row is
-- one payment.
SELECT
  r.resolved_id AS id, s.id_number_original, s.name, s.subsidy_type, s.pay_month, s.amount, s.certificate_number,
  min(s._batch_id) AS batch_id, arg_min(s._file, s._line) AS file, min(s._line) AS line
FROM subsidy_payment AS s
LEFT JOIN int_resolved_ids AS r ON r.connector = s._connector AND r.file = s._file AND r.line = s._line AND r.field = 'id_number'
WHERE s._period = $period AND s.subsidy_type IS NOT NULL
GROUP BY ALL
