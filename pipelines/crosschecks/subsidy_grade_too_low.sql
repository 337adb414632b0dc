-- The nursing subsidy is for the severely disabled: certificate grade 1 or 2. Paid for grade 3 or 4.
-- @roles subsidy-payments, population-register, disability-certificates
SELECT case_key, subject_type, subject_id, subject_name, 'grade_too_low' AS reason, months, amount,
       summary_prefix || 'grade_too_low' AS summary, evidence
FROM xc_subsidy_judged_finding
WHERE on_register AND NOT deceased AND NOT moved_out AND has_certificate AND NOT certificate_expired AND subsidy_type = 'nursing' AND grade > 2
