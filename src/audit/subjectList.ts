/**
 * The exact set of subjects one disclosure contained (an extract of a whole register, say), stored
 * beside the audit chains and named by its hash, so that the audit record itself stays small: it
 * names the list as the subject `subject-list:<sha256>`. The list is the canonical IDs, sorted and
 * without repeats, one a line; its name is the SHA-256 of that text, so the record's hash covers
 * the list too, and a changed or missing list shows. The same set is stored once.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { normaliseResidentId } from '../ids/residentId.js';
import { sha256hex } from './auditRecord.js';

export const SUBJECT_LIST_PREFIX = 'subject-list:';

/**
 * The form a subject is matched in: an ID number however it was written (full-width digits,
 * spaces, lower-case x, 15 digits), a USCC cleaned the same way. Lists are named as they are.
 */
export function canonicalSubject(subject: string): string {
  return subject.startsWith(SUBJECT_LIST_PREFIX) ? subject : normaliseResidentId(subject);
}

export function subjectListsDir(auditDir: string): string {
  return join(auditDir, 'subjects');
}

const listFile = (auditDir: string, hash: string) => join(subjectListsDir(auditDir), `${hash}.txt`);

const inOrder = (list: readonly string[]) => list.every((s, i) => i === 0 || list[i - 1]! < s);

export function subjectListText(subjects: Iterable<string>): string {
  const canonical = [...subjects].map(canonicalSubject);
  // An extract's keys come sorted and unique from its ORDER BY: then there is nothing to sort.
  const sorted = inOrder(canonical) ? canonical : [...new Set(canonical)].sort();
  return sorted.length === 0 ? '' : `${sorted.join('\n')}\n`;
}

/** Store the list (once) and return the subject that names it in an audit record. */
export async function storeSubjectList(auditDir: string, subjects: Iterable<string>): Promise<string> {
  const text = subjectListText(subjects);
  const hash = sha256hex(text);
  const file = listFile(auditDir, hash);
  if (!existsSync(file)) {
    await mkdir(subjectListsDir(auditDir), { recursive: true, mode: 0o700 });
    const temporary = `${file}.${process.pid}.tmp`;
    await writeFile(temporary, text, { mode: 0o600 });
    await rename(temporary, file);
  }
  return `${SUBJECT_LIST_PREFIX}${hash}`;
}

export function listHashOf(subject: string): string | null {
  return subject.startsWith(SUBJECT_LIST_PREFIX) ? subject.slice(SUBJECT_LIST_PREFIX.length) : null;
}

/** The list's subjects, after checking that its content still has its name; a problem when not. */
export async function readSubjectList(auditDir: string, hash: string): Promise<{ subjects: string[] } | { problem: string }> {
  let text: string;
  try {
    text = await readFile(listFile(auditDir, hash), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { problem: `subject list ${hash} is missing` };
    throw error;
  }
  if (sha256hex(text) !== hash) return { problem: `subject list ${hash} was changed: its content does not have its name` };
  return { subjects: text === '' ? [] : text.slice(0, -1).split('\n') };
}
