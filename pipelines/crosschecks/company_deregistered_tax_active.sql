-- A company deregistered (注销) or revoked (吊销) in the business register that tax still shows
-- as a normal, active taxpayer.
-- @roles business-register, tax-register
SELECT
  'company_deregistered_tax_active:' || uscc AS case_key,
  'entity' AS subject_type, uscc AS subject_id, name AS subject_name,
  business_status AS reason,
  [$period] AS months,
  NULL::DECIMAL(18,2) AS amount,
  business_status || ' on ' || coalesce(CAST(business_status_date AS VARCHAR), '?') || ' in the business register, still ' || tax_status || ' in tax' AS summary,
  to_json({'business_status': business_status, 'business_status_date': business_status_date, 'tax_status': tax_status,
           'last_filing_month': last_filing_month, 'provenance': provenance})::VARCHAR AS evidence
FROM legal_entity_view
WHERE period = $period AND business_status IN ('deregistered', 'revoked') AND tax_status = 'normal'
