-- Administrative penalties of the period against companies (the datasets playing penalties),
-- one row per decision: a decision sent twice is one penalty. A mistyped party code is read as
-- the registered company's code it was repaired to (the code as sent is kept beside it).
-- @inputs stg_penalties, int_resolved_usccs
-- @test unique: decision_number
-- @test not_null: decision_number, party_uscc, department
SELECT
  p.decision_number, p.party_type, p.party_name, coalesce(r.resolved_code, p.party_uscc) AS party_uscc, p.party_uscc AS party_uscc_as_sent,
  p.violation, p.fine_amount, p.decision_date, p.authority,
  p._connector AS connector, p._department AS department, p._batch_id AS batch_id, p._file AS file, p._line AS line
FROM stg_penalties AS p
LEFT JOIN int_resolved_usccs AS r ON r.connector = p._connector AND r.file = p._file AND r.line = p._line AND r.field = 'party_uscc'
WHERE p._period = $period AND p.party_uscc IS NOT NULL
QUALIFY row_number() OVER (PARTITION BY p.decision_number ORDER BY p._file, p._line) = 1
