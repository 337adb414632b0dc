-- The basic legal-entity register (法人基本登记信息) of the period: one row per company on
-- the business register. Legal status from the business-register datasets, tax status from
-- the tax-register ones, property from property-titles, penalties from penalties (each
-- decision once); a USCC that fails its check character is kept and flagged. Provenance names
-- the department of the rows each group came from.
-- @inputs int_entities, int_taxpayers, int_known_persons, int_deaths, int_property, int_penalties, int_conflicts
-- @test unique: uscc
-- @test not_null: uscc, period, business_status
-- @test expression: penalty_count >= 0 AND property_count >= 0
SELECT
  CAST($period AS VARCHAR) AS period,
  e.uscc, dx_uscc_problem(e.uscc) IS NULL AS uscc_valid, dx_uscc_problem(e.uscc) AS uscc_problem,
  e.name, e.entity_type, e.legal_representative_name, e.legal_representative_id,
  k.id IS NOT NULL AS legal_representative_in_population,
  d.id IS NOT NULL AS legal_representative_deceased,
  e.registered_address, e.establishment_date, e.registered_capital,
  e.status AS business_status, e.status_date AS business_status_date,
  t.tax_status, t.last_filing_month,
  coalesce(prop.property_count, 0) AS property_count,
  coalesce(pen.penalty_count, 0) AS penalty_count,
  coalesce(pen.penalty_total, 0) AS penalty_total,
  -- Provenance per attribute group (the catalog's groups), each naming its rows' department.
  struct_pack(
    registration := {'department': e.department, 'batch': e.batch_id, 'file': e.file, 'line': e.line, 'updated': e.status_date},
    tax := CASE WHEN t.uscc IS NOT NULL THEN {'department': t.department, 'batch': t.batch_id, 'file': t.file, 'line': t.line, 'updated': NULL::DATE} END,
    property := CASE WHEN prop.owner IS NOT NULL THEN {'department': prop.department, 'batch': prop.batch_id, 'file': prop.file, 'line': prop.line, 'updated': NULL::DATE} END,
    penalties := CASE WHEN pen.party_uscc IS NOT NULL THEN {'department': pen.department, 'batch': pen.batch_id, 'file': pen.file, 'line': pen.line, 'updated': pen.updated} END
  ) AS provenance,
  coalesce(c.kinds, []) AS conflicts
FROM int_entities AS e
LEFT JOIN int_taxpayers AS t ON t.uscc = e.uscc
LEFT JOIN int_known_persons AS k ON k.id = e.legal_representative_id
LEFT JOIN int_deaths AS d ON d.id = e.legal_representative_id
LEFT JOIN int_property AS prop ON prop.owner_type = 'entity' AND prop.owner = e.uscc
LEFT JOIN (
  SELECT party_uscc, count(*) AS penalty_count, sum(fine_amount) AS penalty_total, max(decision_date) AS updated,
    array_to_string(list(DISTINCT department ORDER BY department), ',') AS department,
    arg_max(batch_id, (decision_date, decision_number)) AS batch_id, arg_max(file, (decision_date, decision_number)) AS file,
    arg_max(line, (decision_date, decision_number)) AS line
  FROM int_penalties GROUP BY party_uscc
) AS pen ON pen.party_uscc = e.uscc
LEFT JOIN (
  SELECT subject_id, list(DISTINCT kind ORDER BY kind) AS kinds FROM int_conflicts WHERE subject_type = 'entity' GROUP BY subject_id
) AS c ON c.subject_id = e.uscc
