-- Pension paid after death (the Do Not Pay model): every pension payment for a month after the
-- month of death, the death as attested by any authoritative department. One case per person;
-- the amount is what this period's payments overpaid.
-- @roles pension-payments, population-register
SELECT
  'pension_after_death:' || d.id AS case_key,
  'person' AS subject_type, d.id AS subject_id, any_value(p.name) AS subject_name,
  'paid_after_death' AS reason,
  list(DISTINCT p.pay_month ORDER BY p.pay_month) AS months,
  sum(p.amount) AS amount,
  'pension of ' || sum(p.amount) || ' yuan paid for ' || string_agg(DISTINCT p.pay_month, ', ' ORDER BY p.pay_month)
    || ' after death on ' || d.death_date || ' (attested by ' || array_to_string(d.attested_by, ', ') || ')' AS summary,
  to_json({
    'death_date': d.death_date,
    'death_evidence': d.evidence,
    'payments': list({'month': p.pay_month, 'amount': p.amount, 'bank': p.bank, 'file': p.file, 'line': p.line} ORDER BY p.pay_month, p.file, p.line),
    'pension_status': any_value(v.pension_status),
    'pension_monthly_amount': any_value(v.pension_monthly_amount)
  })::VARCHAR AS evidence
FROM pension_payments AS p
JOIN xc_deaths AS d ON d.id = p.id AND p.pay_month > d.death_month
LEFT JOIN population_view AS v ON v.period = $period AND v.id_number = p.id
WHERE p.period = $period
GROUP BY d.id, d.death_date, d.attested_by, d.evidence
