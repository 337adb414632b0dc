import fc from 'fast-check';
import t from 'tap';
import { connectorFromManifest, ManifestError, loadConnectors } from '../../src/connectors/manifest.js';
import { rulesFor, ruleStatus } from '../../src/check/rules.js';
import { loadCanonicalSchemas } from '../../src/schemas/canonicalSchemas.js';

const connectors = loadConnectors();
const tables = new Map([...loadCanonicalSchemas().values()].map((s) => [s.name, s.table]));
const rules = (id: string) => rulesFor(connectors.find((c) => c.id === id)!, (s) => tables.get(s));

t.test('rules follow the canonical schema and the domain', async (t) => {
  const police = rules('police/household-register');
  const byId = new Map(police.map((r) => [r.id, r]));
  for (const id of ['readable', 'required:id_number', 'required:name', 'format:id_number', 'enum:sex', 'enum:status', 'pattern:registered_area_code', 'unique:id_number', 'row_count_drift']) {
    t.ok(byId.has(id), `has ${id}`);
  }
  t.same([byId.get('required:id_number')!.severity, byId.get('required:id_number')!.errorAbove], ['error', 0], 'a missing key blocks publishing');
  t.equal(byId.get('required:name')!.errorAbove, 0.01, 'other required fields tolerate 1%');
  t.same([byId.get('row_count_drift')!.warnAbove, byId.get('row_count_drift')!.errorAbove], [0.02, 0.2], 'the manifest overrides the drift thresholds');
  t.notOk(byId.has('format:ethnicity'));
  const payments = new Map(rules('social-security/pension-payment').map((r) => [r.id, r]));
  t.equal(payments.get('reference:id_number')!.references!.table, 'pension_recipient');
  t.equal(payments.get('freshness')!.field, 'pay_month');
  t.ok(payments.has('range:amount'));
  t.equal(new Map(rules('market-supervision/business-registration').map((r) => [r.id, r])).get('format:uscc')!.severity, 'warn', 'a failed USCC check is a finding, never a block');
  t.ok(rules('tax/tax-registration').find((r) => r.id === 'reference:taxpayer_id')!.severity === 'warn');
});

t.test('rule overrides are checked against the rules that exist', async (t) => {
  const manifest = structuredClone(connectors.find((c) => c.id === 'police/household-register')!.manifest) as unknown as Record<string, unknown>;
  manifest.checks = { 'format:id_number': { severity: 'warn' }, 'enum:sex': { enabled: false } };
  const tuned = connectorFromManifest(manifest, 'connectors/x.json');
  const tunedRules = rulesFor(tuned, (s) => tables.get(s));
  t.equal(tunedRules.find((r) => r.id === 'format:id_number')!.severity, 'warn');
  t.notOk(tunedRules.some((r) => r.id === 'enum:sex'));
  manifest.checks = { 'format:nickname': { severity: 'warn' } };
  const error = (() => { try { rulesFor(connectorFromManifest(manifest, 'connectors/x.json'), (s) => tables.get(s)); } catch (e) { return e; } })();
  t.ok(error instanceof ManifestError);
  t.match((error as Error).message, /connectors\/x\.json: \/checks\/format:nickname: no such rule/);
});

t.test('verdicts: strong rules fail above the error threshold, weak rules only warn', async (t) => {
  fc.assert(
    fc.property(fc.constantFrom<'error' | 'warn'>('error', 'warn'), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (severity, a, b, ratio) => {
      const rule = { severity, warnAbove: Math.min(a, b), errorAbove: Math.max(a, b) };
      const status = ruleStatus(rule, ratio);
      if (severity === 'warn' && status === 'error') return false;
      if (ratio <= rule.warnAbove) return status === 'pass';
      if (severity === 'error' && ratio > rule.errorAbove) return status === 'error';
      return status === 'warn';
    }),
  );
  t.equal(ruleStatus({ severity: 'error', warnAbove: 0, errorAbove: 0 }, 0), 'pass');
  t.equal(ruleStatus({ severity: 'error', warnAbove: 0, errorAbove: 0 }, 1e-9), 'error');
});
