-- Either subsidy paid for a month that starts after the disability certificate expired.
-- @roles subsidy-payments, population-register, disability-certificates
SELECT case_key, subject_type, subject_id, subject_name, 'certificate_expired' AS reason, months, amount,
       summary_prefix || 'certificate_expired' AS summary, evidence
FROM xc_subsidy_judged_finding
WHERE on_register AND NOT deceased AND NOT moved_out AND has_certificate AND certificate_expired
