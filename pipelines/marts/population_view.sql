-- The basic population register (人口基本登记信息) of the period: one row per person on the
-- police register. Each attribute comes from its authoritative department (police: identity
-- and registration; health, civil affairs and police: death; civil affairs: marriage and
-- 低保; disabled persons' federation: disability; social security: pension; real estate:
-- property), with its provenance; disagreements are in `conflicts`.
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
    'identity': {'department': 'police', 'batch': k.batch_id, 'file': k.file, 'line': k.line, 'updated': k.status_date},
    'death': CASE WHEN d.id IS NOT NULL THEN {'department': array_to_string(d.attested_by, ','), 'batch': d.evidence[1].batch, 'file': d.evidence[1].file, 'line': d.evidence[1].line, 'updated': coalesce(d.health_death_date, d.civil_affairs_death_date, d.police_cancellation_date)} END,
    'marital': CASE WHEN m.id IS NOT NULL THEN {'department': 'civil-affairs', 'batch': m.batch_id, 'file': m.file, 'line': m.line, 'updated': m.marital_status_date} END,
    'disability': CASE WHEN dis.id IS NOT NULL THEN {'department': 'disabled-federation', 'batch': dis.batch_id, 'file': dis.file, 'line': dis.line, 'updated': NULL::DATE} END,
    'allowance': CASE WHEN a.id IS NOT NULL THEN {'department': 'civil-affairs', 'batch': a.batch_id, 'file': a.file, 'line': a.line, 'updated': NULL::DATE} END,
    'pension': CASE WHEN pen.batch_id IS NOT NULL THEN {'department': 'social-security', 'batch': pen.batch_id, 'file': pen.file, 'line': pen.line, 'updated': NULL::DATE} END
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
