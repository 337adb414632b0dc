/**
 * The pre-payment check (Do Not Pay: check before paying, not after): each planned payment is
 * paid or held, with the reason. Held: a payment for a month after the month of death attested
 * by any department, an ID number that is invalid or not on the register, a person paid twice
 * for the same month in the file, and a row that cannot be read.
 */
import { residentIdProblem } from '../ids/residentId.js';
import type { PersonFactsLookup } from './snapshotFacts.js';
import type { PlannedPayments } from './plannedPayments.js';

export const HOLD_REASONS = ['deceased', 'invalid_id_number', 'not_on_register', 'paid_twice', 'unreadable_row'] as const;
export type HoldReason = (typeof HOLD_REASONS)[number];

export interface HeldPayment {
  line: number;
  idNumber: string;
  name: string;
  payMonth: string | null;
  amount: number | null;
  reason: HoldReason;
  detail: string;
  deathDate?: string;
  deathEvidence?: Array<Record<string, unknown>>;
}

export interface PaymentCheck {
  source: string;
  /** The published period whose facts were used. */
  period: string;
  rows: number;
  toPay: number;
  toPayAmount: number;
  held: HeldPayment[];
  heldAmount: number;
  heldByReason: Record<HoldReason, number>;
}

const cents = (n: number): number => Math.round(n * 100) / 100;

export async function checkPlannedPayments(planned: PlannedPayments, lookup: PersonFactsLookup, period: string): Promise<PaymentCheck> {
  const valid = planned.payments.filter((p) => residentIdProblem(p.idNumber) === null);
  const facts = await lookup(valid.map((p) => p.idNumber));
  const held: HeldPayment[] = planned.problems.map((p) => ({
    line: p.line, idNumber: '', name: '', payMonth: null, amount: null, reason: 'unreadable_row' as const, detail: `${p.field}: ${p.message}${p.value ? ` ("${p.value}")` : ''}`,
  }));
  const seen = new Map<string, number>();
  let toPay = 0;
  let toPayAmount = 0;
  for (const p of planned.payments) {
    const hold = (reason: HoldReason, detail: string, extra: Partial<HeldPayment> = {}) =>
      held.push({ line: p.line, idNumber: p.idNumber, name: p.name, payMonth: p.payMonth, amount: p.amount, reason, detail, ...extra });
    const problem = residentIdProblem(p.idNumber);
    const person = facts.get(p.idNumber);
    const twice = seen.get(`${p.idNumber}|${p.payMonth}`);
    if (problem) hold('invalid_id_number', `"${p.idOriginal}" is not a valid ID number: ${problem}`);
    else if (!person) hold('not_on_register', 'no such person on the city\'s household register');
    else if (person.deathDate && p.payMonth > person.deathDate.slice(0, 7)) {
      hold('deceased', `died on ${person.deathDate} (attested by ${person.attestedBy.join(', ')}); the payment is for ${p.payMonth}`,
        { deathDate: person.deathDate, deathEvidence: person.deathEvidence });
    } else if (twice !== undefined) hold('paid_twice', `the same person is paid for ${p.payMonth} on line ${twice}`);
    else {
      toPay += 1;
      toPayAmount += p.amount;
    }
    if (twice === undefined) seen.set(`${p.idNumber}|${p.payMonth}`, p.line);
  }
  held.sort((a, b) => a.line - b.line);
  const heldByReason = Object.fromEntries(HOLD_REASONS.map((r) => [r, held.filter((h) => h.reason === r).length])) as Record<HoldReason, number>;
  return {
    source: planned.source, period, rows: planned.payments.length + planned.problems.length, toPay, toPayAmount: cents(toPayAmount),
    held, heldAmount: cents(held.reduce((sum, h) => sum + (h.amount ?? 0), 0)), heldByReason,
  };
}
