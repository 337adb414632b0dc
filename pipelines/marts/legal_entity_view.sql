-- The basic legal-entity register (法人基本登记信息) of the period: one row per company on
-- the business register. Legal status from market supervision, tax status from tax; a USCC
-- that fails its check character is kept and flagged.
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
  {
    'registration': {'department': 'market-supervision', 'batch': e.batch_id, 'file': e.file, 'line': e.line, 'updated': e.status_date},
    'tax': CASE WHEN t.uscc IS NOT NULL THEN {'department': 'tax', 'batch': t.batch_id, 'file': t.file, 'line': t.line, 'updated': NULL::DATE} END
  } AS provenance,
  coalesce(c.kinds, []) AS conflicts
FROM int_entities AS e
LEFT JOIN int_taxpayers AS t ON t.uscc = e.uscc
LEFT JOIN int_known_persons AS k ON k.id = e.legal_representative_id
LEFT JOIN int_deaths AS d ON d.id = e.legal_representative_id
LEFT JOIN int_property AS prop ON prop.owner_type = 'entity' AND prop.owner = e.uscc
LEFT JOIN (
  SELECT party_uscc, count(*) AS penalty_count, sum(fine_amount) AS penalty_total
  FROM administrative_penalty WHERE _period = $period AND party_uscc IS NOT NULL GROUP BY party_uscc
) AS pen ON pen.party_uscc = e.uscc
LEFT JOIN (
  SELECT subject_id, list(DISTINCT kind ORDER BY kind) AS kinds FROM int_conflicts WHERE subject_type = 'entity' GROUP BY subject_id
) AS c ON c.subject_id = e.uscc
