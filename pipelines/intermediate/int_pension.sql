-- Pensions from the datasets playing pension-recipients and pension-payments: the recipient
-- record, and the last month paid (this period's payments by resolved ID, earlier periods' by
-- their normalised ID).
-- @inputs stg_pension_recipients, stg_pension_payments, int_resolved_ids
-- @test unique: id
WITH recipients AS (
  SELECT r.resolved_id AS id, p.status AS pension_status, p.monthly_amount AS pension_monthly_amount, p.pension_type,
         p._department AS department, p._batch_id AS batch_id, p._file AS file, p._line AS line
  FROM stg_pension_recipients AS p
  JOIN int_resolved_ids AS r ON r.connector = p._connector AND r.file = p._file AND r.line = p._line AND r.field = 'id_number'
  WHERE p._period = $period AND r.resolved_id IS NOT NULL
  QUALIFY row_number() OVER (PARTITION BY r.resolved_id ORDER BY p._file, p._line) = 1
),
payments AS (
  SELECT r.resolved_id AS id, max(p.pay_month) AS last_month_paid
  FROM stg_pension_payments AS p
  JOIN int_resolved_ids AS r ON r.connector = p._connector AND r.file = p._file AND r.line = p._line AND r.field = 'id_number'
  WHERE p._period = $period AND r.resolved_id IS NOT NULL
  GROUP BY 1
  UNION ALL
  SELECT id_number, max(pay_month) FROM stg_pension_payments WHERE _period < $period GROUP BY 1
)
SELECT coalesce(r.id, p.id) AS id, r.* EXCLUDE (id), p.last_month_paid
FROM recipients AS r
FULL JOIN (SELECT id, max(last_month_paid) AS last_month_paid FROM payments GROUP BY id) AS p ON p.id = r.id
