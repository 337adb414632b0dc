/**
 * Clients and grants, in a durable store: one JSON file in the data directory, written whole
 * and atomically (temporary file, then rename) under a lock file, so that the CLI and several
 * API processes can change it safely. API processes re-read it when it changes on disk.
 * API keys are kept only as SHA-256 hashes (they are 256-bit random, so no slow hash is needed).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { withLock, writeJsonAtomic } from '../store/fileLock.js';
import { join } from 'node:path';

export type Role = 'department' | 'steward' | 'analyst' | 'auditor' | 'provider' | 'clerk';

export interface Client {
  id: string;
  name: string;
  department: string;
  roles: Role[];
  keyHash: string;
  createdAt: string;
  disabled?: boolean;
}

export type FieldAccess = 'full' | 'masked';
export type GrantStatus = 'active' | 'pending' | 'refused' | 'revoked';

export interface Grant {
  id: string;
  client: string;
  resource: string;
  fields: Record<string, FieldAccess>;
  purposes: string[];
  expiresAt: string;
  status: GrantStatus;
  legalBasis?: string;
  requestedAt: string;
  decidedBy?: string;
  decidedAt?: string;
  reason?: string;
}

export interface AccessState {
  clients: Client[];
  grants: Grant[];
}

export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function newApiKey(clientId: string): string {
  return `dxk_${clientId}.${randomBytes(32).toString('base64url')}`;
}

export class AccessStore {
  private cached?: { mtimeMs: number; size: number; state: AccessState; checkedAt: number };

  /** `recheckMs`: how long a read trusts the cached state before looking at the file again. */
  constructor(readonly dir: string, private readonly recheckMs = 250) {
    mkdirSync(dir, { recursive: true });
  }

  get file(): string {
    return join(this.dir, 'access.json');
  }

  /** The current state, re-read only when the file changed. */
  read(): AccessState {
    const now = Date.now();
    // A lookup must not cost a file-system call: other processes' changes are seen within recheckMs.
    if (this.cached && now - this.cached.checkedAt < this.recheckMs) return this.cached.state;
    if (!existsSync(this.file)) return { clients: [], grants: [] };
    const info = statSync(this.file);
    if (this.cached && this.cached.mtimeMs === info.mtimeMs && this.cached.size === info.size) {
      this.cached.checkedAt = now;
      return this.cached.state;
    }
    const state = JSON.parse(readFileSync(this.file, 'utf8')) as AccessState;
    this.cached = { mtimeMs: info.mtimeMs, size: info.size, state, checkedAt: now };
    return state;
  }

  /** Change the state under the lock; `change` sees the latest state and mutates it. */
  async update<T>(change: (state: AccessState) => T): Promise<T> {
    return withLock(join(this.dir, 'access.lock'), () => {
      this.cached = undefined;
      const state = structuredClone(this.read());
      const result = change(state);
      writeJsonAtomic(this.file, state);
      this.cached = undefined;
      return result;
    });
  }

  /** The client a key belongs to, or undefined: compared in constant time. */
  authenticate(key: string | undefined): Client | undefined {
    const match = key ? /^dxk_([a-z0-9][a-z0-9-]*)\./.exec(key) : null;
    if (!key || !match) return undefined;
    const client = this.read().clients.find((c) => c.id === match[1] && !c.disabled);
    if (!client) return undefined;
    const given = Buffer.from(hashKey(key), 'hex');
    const stored = Buffer.from(client.keyHash, 'hex');
    return given.length === stored.length && timingSafeEqual(given, stored) ? client : undefined;
  }
}
