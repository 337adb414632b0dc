-- Each death on record with the earliest date any authoritative department attests (health's
-- medical certificate, civil affairs' cremation, the police cancellation): "after the month of
-- death" counts from the earliest, so a late or missing record never hides a payment.
SELECT
  id,
  least(health_death_date, civil_affairs_death_date, police_cancellation_date) AS death_date,
  strftime(least(health_death_date, civil_affairs_death_date, police_cancellation_date), '%Y-%m') AS death_month,
  attested_by, evidence
FROM death_evidence
WHERE period = $period
