/**
 * Masking (脱敏): a field shared in part. An ID number keeps its area code and last four
 * characters, a name its surname, a date its year, an address its city and district.
 */
import { maskResidentId } from '../ids/residentId.js';
import type { MaskKind } from './catalog.js';

/** The address up to its district (区, 县 or 旗), e.g. 包头市昆都仑区钢铁大街12号 → 包头市昆都仑区. */
export function maskAddress(address: string): string {
  const match = /^(.*?[市州盟])?(.*?[区县旗])/u.exec(address);
  return match ? match[0] : '';
}

export function maskName(name: string): string {
  const characters = [...name];
  return characters.length <= 1 ? '*' : characters[0] + '*'.repeat(characters.length - 1);
}

export function mask(kind: MaskKind, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  const text = String(value);
  switch (kind) {
    case 'id': return maskResidentId(text);
    case 'name': return maskName(text);
    case 'year': return text.slice(0, 4);
    case 'district': return maskAddress(text);
  }
}
