/**
 * The API's errors: one body for every error, `{error, message, requestId}`, whether a route threw
 * it, Fastify refused the body (bad JSON, 413, 415), no route matched, or the URL could not be
 * decoded. A message never carries more than a short excerpt of what was sent: a 63 MB upload whose
 * header line is wrong must not come back in the 400, nor go into the audit record's reason.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

export class HttpError extends Error {
  constructor(readonly statusCode: number, readonly code: string, message: string) {
    super(message);
  }
}

/** The longest message an error answer (and its audit record) carries. */
export const MESSAGE_LIMIT = 300;

/** A text cut to `limit` characters, saying how much was left out. */
export function excerpt(text: string, limit = MESSAGE_LIMIT): string {
  if (text.length <= limit) return text;
  // Never end on half a surrogate pair.
  const end = /[\uD800-\uDBFF]/.test(text[limit - 1] ?? '') ? limit - 1 : limit;
  return `${text.slice(0, end)}… (${text.length - end} more characters)`;
}

/** Fastify's own error codes, in the API's words. */
const FASTIFY_CODES: Readonly<Record<string, string>> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_request',
  FST_ERR_CTP_EMPTY_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_TYPE: 'unsupported_media_type',
  FST_ERR_BAD_URL: 'invalid_url',
  FST_ERR_VALIDATION: 'invalid_request',
};

const STATUS_CODES: Readonly<Record<number, string>> = {
  400: 'invalid_request', 401: 'unauthenticated', 403: 'forbidden', 404: 'not_found', 405: 'method_not_allowed',
  406: 'not_acceptable', 409: 'conflict', 413: 'body_too_large', 415: 'unsupported_media_type', 429: 'rate_limited',
};

export interface ErrorAnswer {
  status: number;
  code: string;
  message: string;
}

/** What an error thrown anywhere in a request's handling is answered with. */
export function errorAnswer(error: Error & { statusCode?: number; code?: string; validation?: unknown }): ErrorAnswer {
  if (error instanceof HttpError) return { status: error.statusCode, code: error.code, message: excerpt(error.message) };
  if (error.validation) return { status: 400, code: 'invalid_request', message: excerpt(error.message) };
  const status = error.statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    return { status, code: FASTIFY_CODES[error.code ?? ''] ?? STATUS_CODES[status] ?? 'invalid_request', message: excerpt(error.message) };
  }
  // The overload guard sheds load with a 503: say so (and when to retry) rather than a 500.
  if (status === 503) return { status: 503, code: 'overloaded', message: 'the server is overloaded; retry later' };
  return { status: 500, code: 'internal', message: 'internal error' };
}

export function errorBody(request: FastifyRequest, code: string, message: string): { error: string; message: string; requestId: string } {
  return { error: code, message, requestId: request.id };
}

/** Fastify's error handler: every error in the one shape; only unexpected ones are logged. */
export function handleError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const answer = errorAnswer(error);
  request.auditReason = answer.message;
  if (answer.status === 500) request.log.error({ err: error }, 'request failed');
  if (answer.status === 503 && !reply.hasHeader('retry-after')) reply.header('retry-after', '5');
  reply.code(answer.status).send(errorBody(request, answer.code, answer.message));
}

/** A request no route matched (the path is not echoed: it may hold an ID number). */
export function sendNotFound(request: FastifyRequest, reply: FastifyReply, headers: Readonly<Record<string, string>>): void {
  reply.code(404).headers(headers).header('request-id', request.id).send(errorBody(request, 'not_found', `no route answers ${request.method} at this path`));
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Why the request was refused or failed, for its audit record. */
    auditReason: string | null;
  }
}
