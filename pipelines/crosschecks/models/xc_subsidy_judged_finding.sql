-- Every subsidy payment judged, shaped as a finding: the rules in subsidy_*.sql each keep the
-- payments failing their own condition and name the reason.
SELECT
  *,
  'subsidy_ineligible:' || id || ':' || subsidy_type AS case_key,
  'person' AS subject_type, id AS subject_id, coalesce(register_name, name) AS subject_name,
  [pay_month] AS months,
  subsidy_type || ' subsidy of ' || amount || ' yuan for ' || pay_month || ' paid to someone ineligible: ' AS summary_prefix,
  to_json({
    'subsidy_type': subsidy_type, 'payment': {'month': pay_month, 'amount': amount, 'certificate': certificate_number, 'file': file, 'line': line},
    'register_status': register_status, 'death_date': death_date, 'death_evidence': death_evidence,
    'certificate_valid_until': disability_valid_until, 'grade': grade, 'minimum_living_allowance': in_minimum_living_allowance,
    'provenance': provenance
  })::VARCHAR AS evidence
FROM xc_subsidy_judged
