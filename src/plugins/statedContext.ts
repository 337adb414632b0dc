/**
 * What a caller states about a request: its purpose, the legal basis it relies on and the officer
 * who initiated it (X-Purpose, X-Legal-Basis, X-Initiator; or `purpose`, `legal_basis`,
 * `initiator` in the query or a JSON body). Each is one string, bounded, without control
 * characters; a header is percent-decoded (HTTP headers carry Latin-1 only) and a bad encoding is
 * the caller's error (400), not the server's. A value stated twice (a repeated query parameter or
 * header, or two places that disagree) is refused: which one would the audit record?
 */
import type { FastifyRequest } from 'fastify';
import { HttpError } from './httpErrors.js';

export interface StatedItem {
  /** As an error message names it. */
  name: string;
  header: string;
  field: string;
  maxLength: number;
  code: string;
}

export const PURPOSE: StatedItem = { name: 'purpose', header: 'x-purpose', field: 'purpose', maxLength: 200, code: 'invalid_purpose' };
export const LEGAL_BASIS: StatedItem = { name: 'legal basis', header: 'x-legal-basis', field: 'legal_basis', maxLength: 500, code: 'invalid_legal_basis' };
export const INITIATOR: StatedItem = { name: 'initiator', header: 'x-initiator', field: 'initiator', maxLength: 100, code: 'invalid_initiator' };

const CONTROL = /[\u0000-\u001f\u007f]/;

function refuse(item: StatedItem, why: string): never {
  throw new HttpError(400, item.code, `the ${item.name} ${why}`);
}

function fieldOf(container: unknown, item: StatedItem): unknown {
  if (container === null || typeof container !== 'object' || Array.isArray(container)) return undefined;
  return (container as Record<string, unknown>)[item.field];
}

function headerOf(request: FastifyRequest, item: StatedItem): string | undefined {
  const value = request.headers[item.header];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') return refuse(item, 'is stated more than once');
  // Node joins a repeated header's values with ", ": count the raw headers to tell.
  const raw = request.raw.rawHeaders;
  let seen = 0;
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.length === item.header.length && raw[i]!.toLowerCase() === item.header) seen++;
  if (seen > 1) return refuse(item, 'is stated more than once');
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return refuse(item, `header ${item.header} is not valid percent-encoded UTF-8`);
  }
}

/** What is stated so far, with one more place's value: the same string, or a 400. */
function also(item: StatedItem, value: string | undefined, given: unknown): string | undefined {
  if (given === undefined) return value;
  if (typeof given !== 'string') return refuse(item, 'must be stated once, as a string');
  if (value !== undefined && value !== given) return refuse(item, 'is stated twice, differently');
  return given;
}

/** The stated value, or null when none is stated; a 400 when it is malformed. */
export function statedValue(request: FastifyRequest, item: StatedItem): string | null {
  const value = also(item, also(item, also(item, undefined, fieldOf(request.body, item)), fieldOf(request.query, item)), headerOf(request, item));
  if (value === undefined) return null;
  if (value.length > item.maxLength) refuse(item, `is longer than ${item.maxLength} characters`);
  if (CONTROL.test(value)) refuse(item, 'contains control characters');
  return value.trim() === '' ? null : value;
}

/** The stated value when it is well-formed, else null: for the audit record of a request refused before it was read. */
export function statedValueOrNull(request: FastifyRequest, item: StatedItem): string | null {
  try {
    return statedValue(request, item);
  } catch {
    return null;
  }
}

/** Read and check all three, once, before the handler runs; the audit record takes them from here. */
export function readStatedContext(request: FastifyRequest): void {
  request.statedPurpose = statedValue(request, PURPOSE);
  request.statedLegalBasis = statedValue(request, LEGAL_BASIS);
  request.statedInitiator = statedValue(request, INITIATOR);
  request.statedRead = true;
}

declare module 'fastify' {
  interface FastifyRequest {
    statedRead: boolean;
    statedPurpose: string | null;
    statedLegalBasis: string | null;
    statedInitiator: string | null;
  }
}
