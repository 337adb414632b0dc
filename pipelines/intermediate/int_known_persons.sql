-- The reference population of the period: every valid ID number on the population register
-- (the datasets playing the role population-register), once (the first row that carries it),
-- with what the register knows of the person and which department's row it is.
-- @inputs stg_population_register
-- @test unique: id
-- @test not_null: id, department, file, line
SELECT
  id_number AS id, name, dx_name_key(name) AS name_key, sex, birth_date, ethnicity,
  registered_area_code, address, household_number, relation_to_head, status, status_date,
  _department AS department, _batch_id AS batch_id, _file AS file, _line AS line, reference_period
FROM stg_population_register
WHERE _period = $period
  AND id_number IS NOT NULL
  AND dx_resident_id_problem(id_number, CAST($period_end AS DATE)) IS NULL
QUALIFY row_number() OVER (PARTITION BY id_number ORDER BY _file, _line) = 1
