-- Either subsidy paid for a month after the payee's death (attested by any department).
-- @roles subsidy-payments, population-register
SELECT case_key, subject_type, subject_id, subject_name, 'deceased' AS reason, months, amount,
       summary_prefix || 'deceased' AS summary, evidence
FROM xc_subsidy_judged_finding
WHERE on_register AND deceased
