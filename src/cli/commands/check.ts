/** dx check payments FILE: which of the month's planned pension payments to hold, and why, against the published snapshot. */
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { readPlannedPayments } from '../../payments/plannedPayments.js';
import { checkPlannedPayments, type PaymentCheck } from '../../payments/prePaymentCheck.js';
import { snapshotPersonFacts, withPublishedSnapshot } from '../../payments/snapshotFacts.js';
import { renderTable } from '../../report/textTable.js';
import { formatCount, formatMoney } from '../../numberFormat.js';

export function renderPaymentCheck(check: PaymentCheck): string {
  const reasons = Object.entries(check.heldByReason).filter(([, n]) => n > 0).map(([r, n]) => `${n} ${r}`).join(', ');
  const table = renderTable(['line', 'id_number', 'name', 'month', 'amount', 'reason', 'detail'],
    check.held.map((h) => [String(h.line), h.idNumber, h.name, h.payMonth, h.amount === null ? null : formatMoney(h.amount), h.reason, h.detail]));
  return `${check.source}: ${formatCount(check.rows)} payment(s) checked against the register published for ${check.period}.
Pay ${formatCount(check.toPay)} (${formatMoney(check.toPayAmount)} yuan). Hold ${formatCount(check.held.length)} (${formatMoney(check.heldAmount)} yuan)${reasons ? `: ${reasons}` : ''}.
${check.held.length ? `\n${table}\n` : ''}`;
}

export function registerCheckCommand(program: Command): void {
  const check = program.command('check').description('Checks before acting');
  check.command('payments').description('Which of a month\'s planned pension payments (the pension department\'s CSV) to hold, and why')
    .argument('<file>', 'the planned payments, as the pension department exports them (社会保障号码, 姓名, 发放年月, 发放金额, 开户银行)')
    .addOption(new Option('--format <format>', 'output format').choices(['json', 'table']).default('table'))
    .addOption(new Option('--data <dir>', 'where the DuckDB files live').default('./data'))
    .action(async (file: string, options: { format: 'json' | 'table'; data: string }) => {
      const planned = readPlannedPayments(resolve(file));
      const result = await withPublishedSnapshot(resolve(options.data), (connection, pointer) => checkPlannedPayments(planned, snapshotPersonFacts(connection), pointer.period));
      process.stdout.write(options.format === 'json' ? `${JSON.stringify(result, null, 2)}\n` : renderPaymentCheck(result));
    });
}
