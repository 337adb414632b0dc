-- Either subsidy paid to someone whose household registration has moved out of the city (and who is alive).
-- @roles subsidy-payments, population-register
SELECT case_key, subject_type, subject_id, subject_name, 'moved_out' AS reason, months, amount,
       summary_prefix || 'moved_out' AS summary, evidence
FROM xc_subsidy_judged_finding
WHERE on_register AND NOT deceased AND moved_out
