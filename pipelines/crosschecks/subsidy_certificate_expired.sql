-- Either subsidy paid for a month that starts after the disability certificate expired.
SELECT
  'subsidy_ineligible:' || id || ':' || subsidy_type AS case_key,
  'person' AS subject_type, id AS subject_id, coalesce(register_name, name) AS subject_name,
  'certificate_expired' AS reason,
  [pay_month] AS months,
  amount,
  subsidy_type || ' subsidy of ' || amount || ' yuan for ' || pay_month || ' paid to someone ineligible: certificate_expired' AS summary,
  to_json({
    'subsidy_type': subsidy_type, 'payment': {'month': pay_month, 'amount': amount, 'certificate': certificate_number, 'file': file, 'line': line},
    'register_status': register_status, 'death_date': death_date, 'death_evidence': death_evidence,
    'certificate_valid_until': disability_valid_until, 'grade': grade, 'minimum_living_allowance': in_minimum_living_allowance,
    'provenance': provenance
  })::VARCHAR AS evidence
FROM xc_subsidy_judged
WHERE on_register AND NOT deceased AND NOT moved_out AND has_certificate AND certificate_expired
