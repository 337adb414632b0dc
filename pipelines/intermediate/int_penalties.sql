-- Administrative penalties of the period against companies (the datasets playing penalties),
-- one row per decision: a decision sent twice is one penalty.
-- @inputs stg_penalties
-- @test unique: decision_number
-- @test not_null: decision_number, party_uscc, department
SELECT
  p.decision_number, p.party_type, p.party_name, p.party_uscc, p.violation, p.fine_amount, p.decision_date, p.authority,
  p._connector AS connector, p._department AS department, p._batch_id AS batch_id, p._file AS file, p._line AS line
FROM stg_penalties AS p
WHERE p._period = $period AND p.party_uscc IS NOT NULL
QUALIFY row_number() OVER (PARTITION BY p.decision_number ORDER BY p._file, p._line) = 1
