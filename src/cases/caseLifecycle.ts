/**
 * A case's lifecycle: opened by a cross-check finding, then confirmed or dismissed by a person
 * (with the reason), and a confirmed case resolved once settled (e.g. the money recovered).
 * A closed case may be reopened, with the reason. Every change says who, when and why.
 */

export type CaseStatus = 'open' | 'confirmed' | 'dismissed' | 'resolved';
export type CaseAction = 'confirm' | 'dismiss' | 'resolve' | 'reopen';

export const ACTIONS: Record<CaseAction, { from: CaseStatus[]; to: CaseStatus }> = {
  confirm: { from: ['open'], to: 'confirmed' },
  dismiss: { from: ['open', 'confirmed'], to: 'dismissed' },
  resolve: { from: ['confirmed'], to: 'resolved' },
  reopen: { from: ['dismissed', 'resolved'], to: 'open' },
};

export class CaseTransitionError extends Error {
  constructor(message: string, readonly statusCode: number) {
    super(message);
  }
}

/** The status after `action`, or an error saying why the change is not allowed. */
export function nextStatus(caseId: string, current: CaseStatus, action: CaseAction, reason: string | undefined): CaseStatus {
  const rule = ACTIONS[action];
  if (!reason?.trim()) throw new CaseTransitionError(`${action} of case ${caseId} needs a reason`, 400);
  if (!rule.from.includes(current)) {
    throw new CaseTransitionError(`case ${caseId} is ${current}: it cannot be ${rule.to} (${action} applies to a case that is ${rule.from.join(' or ')})`, 409);
  }
  return rule.to;
}
