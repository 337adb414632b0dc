-- Eligible but not paid: alive and registered locally, a certificate valid for the whole month,
-- and the subsidy's own condition (grade 1-2 for nursing, a 低保 family for living), yet no
-- payment of that subsidy for the month the subsidy ledger describes: its reference period
-- (a ledger collected at the start of a month usually describes the month before), the drop's
-- month when the period has no ledger rows.
-- @roles subsidy-payments, population-register, disability-certificates, minimum-living-allowance
WITH ledger AS (
  SELECT coalesce(max(reference_period), CAST($period AS VARCHAR)) AS month FROM subsidy_payments WHERE period = $period
),
eligible AS (
  SELECT p.id_number AS id, p.name, t.subsidy_type, p.disability_grade, p.disability_valid_until, p.minimum_living_allowance, p.provenance
  FROM population_view AS p
  CROSS JOIN (VALUES ('living'), ('nursing')) AS t(subsidy_type)
  WHERE p.period = $period AND NOT p.deceased AND p.register_status = 'normal' AND p.disability_certificate_valid
    AND CASE t.subsidy_type WHEN 'nursing' THEN TRY_CAST(p.disability_grade AS INTEGER) <= 2 ELSE p.minimum_living_allowance END
)
SELECT
  'subsidy_unpaid:' || e.id || ':' || e.subsidy_type AS case_key,
  'person' AS subject_type, e.id AS subject_id, e.name AS subject_name,
  'eligible_not_paid' AS reason,
  [l.month] AS months,
  NULL::DECIMAL(18,2) AS amount,
  e.subsidy_type || ' subsidy not paid for ' || l.month || ' to an eligible person' AS summary,
  to_json({'subsidy_type': e.subsidy_type, 'grade': e.disability_grade, 'certificate_valid_until': e.disability_valid_until,
           'minimum_living_allowance': e.minimum_living_allowance, 'ledger_month': l.month, 'provenance': e.provenance})::VARCHAR AS evidence
FROM eligible AS e CROSS JOIN ledger AS l
WHERE NOT EXISTS (
  SELECT 1 FROM subsidy_payments AS s WHERE s.period = $period AND s.id = e.id AND s.subsidy_type = e.subsidy_type AND s.pay_month = l.month
)
