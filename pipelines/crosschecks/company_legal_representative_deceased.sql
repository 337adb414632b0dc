-- An active company whose legal representative has died, per any authoritative death source:
-- the company acts through someone who can no longer act.
-- @roles business-register, population-register
SELECT
  'company_legal_representative_deceased:' || e.uscc AS case_key,
  'entity' AS subject_type, e.uscc AS subject_id, e.name AS subject_name,
  'legal_representative_deceased' AS reason,
  [$period] AS months,
  NULL::DECIMAL(18,2) AS amount,
  'legal representative ' || coalesce(e.legal_representative_name, '?') || ' (' || e.legal_representative_id || ') died on ' || d.death_date
    || ' (attested by ' || array_to_string(d.attested_by, ', ') || ')' AS summary,
  to_json({'legal_representative_id': e.legal_representative_id, 'legal_representative_name': e.legal_representative_name,
           'death_date': d.death_date, 'death_evidence': d.evidence, 'provenance': e.provenance})::VARCHAR AS evidence
FROM legal_entity_view AS e
JOIN xc_deaths AS d ON d.id = e.legal_representative_id
WHERE e.period = $period AND e.business_status = 'active'
