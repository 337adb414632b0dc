-- Records about someone no population or business source knows: a valid (or repaired) ID
-- number absent from the police register, a taxpayer or penalised party absent from the
-- business register.
SELECT
  'person' AS subject_type, o.resolved_id AS subject_id, o.dataset, o.field, o.department,
  o.batch_id AS batch, o.file, o.line
FROM int_resolved_ids AS o
WHERE o.resolved_id IS NOT NULL
  AND o.dataset IN ('pension-recipient', 'pension-payment', 'subsidy-payment', 'minimum-living-allowance-member', 'disability-certificate', 'death-record')
  AND NOT EXISTS (SELECT 1 FROM int_known_persons AS k WHERE k.id = o.resolved_id)
UNION ALL
SELECT 'entity', t.uscc, 'tax-registration', 'taxpayer_id', 'tax', t.batch_id, t.file, t.line
FROM int_taxpayers AS t
WHERE NOT EXISTS (SELECT 1 FROM int_entities AS e WHERE e.uscc = t.uscc)
UNION ALL
SELECT 'entity', p.party_uscc, 'administrative-penalty', 'party_uscc', p._department, p._batch_id, p._file, p._line
FROM administrative_penalty AS p
WHERE p._period = $period AND p.party_uscc IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM int_entities AS e WHERE e.uscc = p.party_uscc)
