-- The living subsidy is for disabled people in hardship: members of a 低保 (minimum living allowance) family. Paid to someone who is not.
-- @roles subsidy-payments, population-register, disability-certificates, minimum-living-allowance
SELECT case_key, subject_type, subject_id, subject_name, 'not_in_minimum_living_allowance' AS reason, months, amount,
       summary_prefix || 'not_in_minimum_living_allowance' AS summary, evidence
FROM xc_subsidy_judged_finding
WHERE on_register AND NOT deceased AND NOT moved_out AND has_certificate AND NOT certificate_expired AND subsidy_type = 'living' AND NOT in_minimum_living_allowance
