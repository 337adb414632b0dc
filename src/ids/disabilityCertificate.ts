/**
 * Disability certificate numbers (残疾人证号): the holder's 18-character ID number, then the
 * category digit (1-7) and the grade digit (1-4).
 */
import { cleanIdentifier, residentIdProblem } from './residentId.js';

export function disabilityCertificateProblem(raw: string): string | null {
  const number = cleanIdentifier(raw);
  if (!/^[0-9]{17}[0-9X][1-7][1-4]$/.test(number)) return 'not an ID number followed by a category (1-7) and a grade (1-4)';
  const idProblem = residentIdProblem(number.slice(0, 18));
  return idProblem === null ? null : `holder ID: ${idProblem}`;
}

export function disabilityCertificateNumber(idNumber: string, category: number, grade: number): string {
  return `${idNumber}${category}${grade}`;
}
