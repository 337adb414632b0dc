/**
 * The pension department's planned payments for a month, in its own export format: the
 * columns of the manifest that plays the role pension-payments (in the sample city
 * 社会保障号码, 姓名, 发放年月, 发放金额, 开户银行). Every data line is either a payment or a problem naming its line and
 * field: a row that cannot be read is never silently dropped (the check holds it).
 */
import { readFileSync } from 'node:fs';
import iconv from 'iconv-lite';
import { loadConnectorSet, type Connector } from '../connectors/manifest.js';
import { rolePlayers, requireRoles } from '../govern/roles.js';
import { splitCsvLine } from '../collect/csvLine.js';
import { normaliseResidentId } from '../ids/residentId.js';

export interface PlannedPayment {
  line: number;
  idNumber: string;
  idOriginal: string;
  name: string;
  payMonth: string;
  amount: number;
  bank: string;
}

export interface RowProblem {
  line: number;
  field: string;
  value: string;
  message: string;
}

export interface PlannedPayments {
  source: string;
  payments: PlannedPayment[];
  problems: RowProblem[];
}

export const PAYMENT_FIELDS = ['id_number', 'name', 'pay_month', 'amount', 'bank'] as const;
type PaymentField = (typeof PAYMENT_FIELDS)[number];

/** The role whose manifest gives the planned payments' layout. */
const LEDGER_ROLE = 'pension-payments';

/** The manifest playing the pension ledger's role: one, or an error naming the check. */
export function paymentLedger(connectors: Connector[] = loadConnectorSet().connectors): Connector {
  const players = rolePlayers(connectors).filter((p) => p.role === LEDGER_ROLE);
  requireRoles('the pre-payment check', [LEDGER_ROLE], players);
  if (players.length > 1) throw new Error(`the pre-payment check: ${players.length} manifests play ${LEDGER_ROLE} (${players.map((p) => p.manifestFile).join(', ')}); give one of them the role`);
  return connectors.find((c) => c.id === players[0]!.connector)!;
}

/** The department's column for each field, and its file encoding, from the connector manifest. */
export function paymentFormat(): { columns: Record<PaymentField, string>; encoding: string } {
  const connector = paymentLedger();
  const fields = connector.manifest.fields as Record<string, { column?: string }>;
  const columns = Object.fromEntries(PAYMENT_FIELDS.map((f) => [f, fields[f]?.column ?? f])) as Record<PaymentField, string>;
  return { columns, encoding: connector.source.encoding };
}

/** 202611 or 2026-11 → 2026-11, else undefined. */
export function parsePayMonth(text: string): string | undefined {
  const match = /^(\d{4})-?(\d{2})$/.exec(text.trim());
  if (!match || Number(match[2]) < 1 || Number(match[2]) > 12) return undefined;
  return `${match[1]}-${match[2]}`;
}

/** Yuan with at most two decimals. */
export function parseAmount(text: string): number | undefined {
  return /^\d{1,9}(\.\d{1,2})?$/.test(text.trim()) ? Number(text.trim()) : undefined;
}

export function parsePlannedPayments(text: string, source = 'payments'): PlannedPayments {
  const { columns } = paymentFormat();
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = splitCsvLine(lines[0] ?? '').map((h) => h.trim());
  const index = {} as Record<PaymentField, number>;
  for (const field of PAYMENT_FIELDS) {
    index[field] = header.indexOf(columns[field]);
    if (index[field] < 0 && field !== 'bank' && field !== 'name') {
      throw new Error(`${source}, line 1: no column "${columns[field]}" (${field}); the header is: ${header.join(',')}`);
    }
  }
  const payments: PlannedPayment[] = [];
  const problems: RowProblem[] = [];
  for (let i = 1; i < lines.length; i++) {
    const raw = lines[i]!;
    if (!raw.trim()) continue;
    const line = i + 1;
    const cells = splitCsvLine(raw);
    if (cells.length !== header.length) {
      problems.push({ line, field: '(row)', value: raw, message: `${cells.length} cells where the header has ${header.length}` });
      continue;
    }
    const cell = (field: PaymentField): string => (index[field] < 0 ? '' : cells[index[field]]!.trim());
    const payMonth = parsePayMonth(cell('pay_month'));
    const amount = parseAmount(cell('amount'));
    if (!cell('id_number')) problems.push({ line, field: 'id_number', value: '', message: 'no ID number' });
    else if (!payMonth) problems.push({ line, field: 'pay_month', value: cell('pay_month'), message: 'not a month (YYYYMM or YYYY-MM)' });
    else if (amount === undefined) problems.push({ line, field: 'amount', value: cell('amount'), message: 'not an amount in yuan' });
    else payments.push({ line, idNumber: normaliseResidentId(cell('id_number')), idOriginal: cell('id_number'), name: cell('name'), payMonth, amount, bank: cell('bank') });
  }
  return { source, payments, problems };
}

export function readPlannedPayments(file: string): PlannedPayments {
  const bytes = readFileSync(file);
  const { encoding } = paymentFormat();
  const text = encoding.startsWith('utf-8') ? bytes.toString('utf8') : iconv.decode(bytes, encoding);
  return parsePlannedPayments(text, file);
}
