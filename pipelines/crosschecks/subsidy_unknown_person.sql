-- Either subsidy paid to an ID number that is not on the city's household register (or that
-- could not be resolved to anyone): nobody can say whether the payee is entitled.
-- @roles subsidy-payments, population-register
SELECT
  'subsidy_unknown_person:' || coalesce(id, file || ':' || line) || ':' || subsidy_type AS case_key,
  'person' AS subject_type, coalesce(id, name) AS subject_id, name AS subject_name,
  CASE WHEN id IS NULL THEN 'unresolved_id_number' ELSE 'not_on_register' END AS reason,
  [pay_month] AS months,
  amount,
  subsidy_type || ' subsidy of ' || amount || ' yuan for ' || pay_month || ' paid to an ID number not on the household register' AS summary,
  to_json({'subsidy_type': subsidy_type, 'payment': {'month': pay_month, 'amount': amount, 'certificate': certificate_number, 'file': file, 'line': line}})::VARCHAR AS evidence
FROM xc_subsidy_judged
WHERE NOT on_register
