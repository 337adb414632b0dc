-- The basic population register (人口基本登记信息) of the period: one row per person on the
-- population register. Each attribute comes from the datasets playing its role (identity and
-- registration: population-register; death: death-evidence and the register's cancellation;
-- marriage: marriages; 低保: minimum-living-allowance; disability: disability-certificates;
-- pension: pension-recipients and pension-payments; property: property-titles), with its
-- provenance naming the department of the row it came from; disagreements are in `conflicts`.
-- @inputs int_known_persons, int_deaths, int_marital, int_disability, int_allowance, int_pension, int_property, int_conflicts
-- @test unique: id_number
-- @test not_null: id_number, period, register_status
-- @test warn expression: deceased = (death_date IS NOT NULL)
SELECT
  CAST($period AS VARCHAR) AS period,
  k.id AS id_number, k.name, k.sex, k.birth_date, k.ethnicity, k.registered_area_code, k.address,
  k.household_number, k.relation_to_head, k.status AS register_status,
  d.id IS NOT NULL AS deceased,
  coalesce(d.health_death_date, d.civil_affairs_death_date, d.police_cancellation_date) AS death_date,
  d.attested_by AS death_attested_by,
  m.marital_status, m.spouse_id,
  dis.disability_category, dis.disability_grade, dis.disability_valid_until, dis.disability_certificate_valid,
  coalesce(a.minimum_living_allowance, false) AS minimum_living_allowance,
  pen.pension_status, pen.pension_monthly_amount, pen.last_month_paid AS pension_last_month_paid,
  coalesce(prop.property_count, 0) AS property_count,
  {
    'identity': {'department': k.department, 'batch': k.batch_id, 'file': k.file, 'line': k.line, 'updated': k.status_date},
    'death': CASE WHEN d.id IS NOT NULL THEN {'department': array_to_string(d.attested_by, ','), 'batch': d.evidence[1].batch, 'file': d.evidence[1].file, 'line': d.evidence[1].line, 'updated': coalesce(d.health_death_date, d.civil_affairs_death_date, d.police_cancellation_date)} END,
    'marital': CASE WHEN m.id IS NOT NULL THEN {'department': m.department, 'batch': m.batch_id, 'file': m.file, 'line': m.line, 'updated': m.marital_status_date} END,
    'disability': CASE WHEN dis.id IS NOT NULL THEN {'department': dis.department, 'batch': dis.batch_id, 'file': dis.file, 'line': dis.line, 'updated': NULL::DATE} END,
    'allowance': CASE WHEN a.id IS NOT NULL THEN {'department': a.department, 'batch': a.batch_id, 'file': a.file, 'line': a.line, 'updated': NULL::DATE} END,
    'pension': CASE WHEN pen.batch_id IS NOT NULL THEN {'department': pen.department, 'batch': pen.batch_id, 'file': pen.file, 'line': pen.line, 'updated': NULL::DATE} END,
    'property': CASE WHEN prop.owner IS NOT NULL THEN {'department': prop.department, 'batch': prop.batch_id, 'file': prop.file, 'line': prop.line, 'updated': NULL::DATE} END
  } AS provenance,
  coalesce(c.kinds, []) AS conflicts
FROM int_known_persons AS k
LEFT JOIN int_deaths AS d ON d.id = k.id
LEFT JOIN int_marital AS m ON m.id = k.id
LEFT JOIN int_disability AS dis ON dis.id = k.id
LEFT JOIN int_allowance AS a ON a.id = k.id
LEFT JOIN int_pension AS pen ON pen.id = k.id
LEFT JOIN int_property AS prop ON prop.owner_type = 'person' AND prop.owner = k.id
LEFT JOIN (
  SELECT subject_id, list(DISTINCT kind ORDER BY kind) AS kinds FROM int_conflicts WHERE subject_type = 'person' GROUP BY subject_id
) AS c ON c.subject_id = k.id
