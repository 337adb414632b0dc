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

/** Keys remembered per state: enough for every client system of a city. */
const MAX_KNOWN_KEYS = 10_000;

export class AccessStore {
  private readonly knownKeys = new WeakMap<AccessState, Map<string, Client>>();
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

  /**
   * Change the state under the lock; `change` sees the latest state and mutates it. `beforeCommit`
   * runs after the change is made and before it is written (still under the lock): the audit record
   * goes there, so that a change whose record cannot be written is not made.
   */
  async update<T>(change: (state: AccessState) => T, beforeCommit?: (result: T) => Promise<void>): Promise<T> {
    return withLock(join(this.dir, 'access.lock'), async () => {
      this.cached = undefined;
      const state = structuredClone(this.read());
      const result = change(state);
      if (beforeCommit) await beforeCommit(result);
      writeJsonAtomic(this.file, state);
      this.cached = undefined;
      return result;
    });
  }

  /**
   * The client a key belongs to, or undefined: compared in constant time. A key that matched is
   * remembered for as long as the state it matched in is current (a changed store starts afresh), so
   * a client's repeated requests skip the hash; keys that fail are never remembered.
   */
  authenticate(key: string | undefined): Client | undefined {
    if (!key) return undefined;
    const state = this.read();
    let known = this.knownKeys.get(state);
    const remembered = known?.get(key);
    if (remembered) return remembered;
    const match = /^dxk_([a-z0-9][a-z0-9-]*)\./.exec(key);
    const client = match ? state.clients.find((c) => c.id === match[1] && !c.disabled) : undefined;
    if (!client) return undefined;
    const given = Buffer.from(hashKey(key), 'hex');
    const stored = Buffer.from(client.keyHash, 'hex');
    if (given.length !== stored.length || !timingSafeEqual(given, stored)) return undefined;
    if (!known) this.knownKeys.set(state, (known = new Map()));
    if (known.size < MAX_KNOWN_KEYS) known.set(key, client);
    return client;
  }
}
