/**
 * The one way a single subject is looked up, for persons and companies alike: grant first (so
 * a client without one learns nothing of existence), then the key's form, then the record,
 * then exactly what the grant discloses, each step noted for the audit.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { catalogResource } from '../share/catalog.js';
import { disclosurePlan, discloseInto, type FieldReader } from '../share/disclose.js';
import { JsonBytes } from '../share/jsonBytes.js';
import type { ServingSnapshot } from '../share/servingSnapshot.js';
import { HttpError, purposeOf, requireGrant } from '../plugins/exchange.js';
import type { Grant } from '../share/accessStore.js';

export interface Subject {
  /** Catalogue resource of the lookup (e.g. population) and of its yes/no questions (population-status). */
  resource: string;
  view: 'persons' | 'entities';
  /** The key as requested, and its normal form (or a 400). */
  raw: string;
  normalise: (raw: string) => string;
  notFound: string;
}

export function servingSnapshot(request: FastifyRequest): ServingSnapshot {
  const snapshot = request.server.snapshots.current();
  if (!snapshot) throw new HttpError(503, 'no_snapshot', 'no period has been published yet');
  return snapshot;
}

/** The grant of `resource` for the stated purpose, noting the request for the audit first. */
function grantFor(request: FastifyRequest, resource: string, action: string, subject: Subject): Grant {
  request.auditNote = { resource, action, subjects: [subject.raw] };
  return requireGrant(request, resource, purposeOf(request));
}

/** Key, then record: the record's row, or a 400 or 404 (only ever after the grant was checked). */
function findSubject(request: FastifyRequest, subject: Subject): { row: number; snapshot: ServingSnapshot } {
  const key = subject.normalise(subject.raw);
  request.auditNote!.subjects = [key];
  // The audit keeps the spelling sent beside the canonical ID (full-width digits, spaces, a lowercase x).
  if (key !== subject.raw) request.auditNote!.subjectsSent = [subject.raw];
  const snapshot = servingSnapshot(request);
  const row = snapshot[subject.view].row(key);
  if (row === undefined) throw new HttpError(404, 'not_found', subject.notFound);
  return { row, snapshot };
}

/** The one writer of answers: each is written whole, synchronously, and copied out when sent. */
const answer = new JsonBytes();

/**
 * An answer about the served period, written as UTF-8 JSON (see disclose.ts): `members` writes the
 * object's members after `period`. Sent as the bytes it is, not serialised again.
 *
 * Routes that send this way are synchronous handlers that return nothing: an async handler that
 * returns the reply has Fastify wait for the response to finish (Reply.then: stream listeners and a
 * promise) on every request.
 */
export function sendPeriodAnswer(reply: FastifyReply, snapshot: ServingSnapshot, members: (out: JsonBytes) => void): void {
  const out = answer.reset();
  out.ascii('{"period":');
  out.text(JSON.stringify(snapshot.pointer.period));
  out.ascii(',');
  members(out);
  out.ascii('}');
  reply.type('application/json; charset=utf-8').send(out.take());
}

export function lookupOne(request: FastifyRequest, reply: FastifyReply, subject: Subject): void {
  const grant = grantFor(request, subject.resource, 'lookup', subject);
  const { row, snapshot } = findSubject(request, subject);
  const plan = disclosurePlan(grant, catalogResource(subject.resource)!, snapshot[subject.view]);
  request.auditNote!.fields = plan.fields;
  sendPeriodAnswer(reply, snapshot, (out) => discloseInto(out, row, plan));
}

/** A yes/no answer; the question itself must be granted. */
export function verifyOne(request: FastifyRequest, subject: Subject, statusResource: string, question: string, questions: Record<string, (r: FieldReader) => boolean>) {
  const field = question.replaceAll('-', '_');
  const grant = grantFor(request, statusResource, 'verify', subject);
  if (!grant.fields[field]) throw new HttpError(403, 'not_granted', `the grant does not cover the question "${question}"`);
  const { row, snapshot } = findSubject(request, subject);
  request.auditNote!.fields = [field];
  const view = snapshot[subject.view];
  return { period: snapshot.pointer.period, question, answer: questions[field]!((name) => view.value(row, name)) };
}
