-- Either subsidy paid to someone on the register who holds no disability certificate at all.
-- @roles subsidy-payments, population-register, disability-certificates
SELECT case_key, subject_type, subject_id, subject_name, 'no_certificate' AS reason, months, amount,
       summary_prefix || 'no_certificate' AS summary, evidence
FROM xc_subsidy_judged_finding
WHERE on_register AND NOT deceased AND NOT moved_out AND NOT has_certificate
