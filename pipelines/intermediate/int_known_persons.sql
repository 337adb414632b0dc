-- The reference population of the period: every valid ID number on the police household
-- register, once (the first row that carries it), with what the police know of the person.
SELECT
  id_number AS id, name, dx_name_key(name) AS name_key, sex, birth_date, ethnicity,
  registered_area_code, address, household_number, relation_to_head, status, status_date,
  _batch_id AS batch_id, _file AS file, _line AS line
FROM household_register_person
WHERE _period = $period
  AND id_number IS NOT NULL
  AND dx_resident_id_problem(id_number, CAST($period_end AS DATE)) IS NULL
QUALIFY row_number() OVER (PARTITION BY id_number ORDER BY _file, _line) = 1
