-- An administrative penalty against a credit code that no company on the business register
-- holds: a mistyped code, or a party the register does not know.
-- @roles penalties, business-register
SELECT
  'penalty_unknown_party:' || p.decision_number AS case_key,
  'penalty' AS subject_type, p.decision_number AS subject_id, p.party_name AS subject_name,
  CASE WHEN dx_uscc_problem(p.party_uscc) IS NULL THEN 'unknown_code' ELSE 'invalid_code' END AS reason,
  [$period] AS months,
  p.fine_amount AS amount,
  'penalty ' || p.decision_number || ' (' || p.fine_amount || ' yuan) against ' || p.party_uscc || ', which no registered company holds' AS summary,
  to_json({'party_uscc': p.party_uscc, 'party_name': p.party_name, 'violation': p.violation, 'decision_date': p.decision_date,
           'authority': p.authority, 'source': {'department': p.department, 'file': p.file, 'line': p.line}})::VARCHAR AS evidence
FROM penalties AS p
WHERE p.period = $period
  AND NOT EXISTS (SELECT 1 FROM legal_entity_view AS e WHERE e.period = $period AND e.uscc = p.party_uscc)
