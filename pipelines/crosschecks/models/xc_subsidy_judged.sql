-- Every subsidy payment of the period beside what the governed register says about its
-- payee for the month paid. The subsidy rules read this; each names the one condition that
-- makes a payment ineligible, in the order the federation applies them (deceased, moved out,
-- certificate expired, then the subsidy's own condition), so a payment has one reason.
SELECT
  s.id, s.name, s.subsidy_type, s.pay_month, s.amount, s.certificate_number, s.batch_id, s.file, s.line,
  CAST(s.pay_month || '-01' AS DATE) AS month_start,
  p.id_number IS NOT NULL AS on_register,
  p.name AS register_name, p.register_status,
  d.death_date, d.attested_by AS death_attested_by, d.evidence AS death_evidence,
  coalesce(d.death_date < CAST(s.pay_month || '-01' AS DATE), false) AS deceased,
  coalesce(p.register_status = 'moved_out', false) AS moved_out,
  p.disability_grade IS NOT NULL AS has_certificate,
  p.disability_valid_until,
  coalesce(p.disability_valid_until < CAST(s.pay_month || '-01' AS DATE), false) AS certificate_expired,
  TRY_CAST(p.disability_grade AS INTEGER) AS grade,
  coalesce(p.minimum_living_allowance, false) AS in_minimum_living_allowance,
  p.provenance
FROM subsidy_payments AS s
LEFT JOIN population_view AS p ON p.period = $period AND p.id_number = s.id
LEFT JOIN xc_deaths AS d ON d.id = s.id
WHERE s.period = $period
