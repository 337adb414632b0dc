/**
 * The key that signs audit checkpoints (Ed25519, node:crypto). The private key is one PEM file,
 * mode 0600 in a 0700 folder, apart from the chain files; every public key ever used is listed
 * beside it as `public/<keyId>.pem`, so checkpoints signed before a rotation still verify. A
 * checkpoint names its key by id: the first 16 hex digits of SHA-256 over the public key (SPKI DER).
 *
 * Where the folder is: DX_AUDIT_KEY_DIR, else `keys/` inside the audit folder. An auditor verifies
 * with public keys alone, given to them out of band (docs/audit.md).
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SigningKey {
  keyId: string;
  privateKey: KeyObject;
}

const PRIVATE_FILE = 'signing-key.pem';

export function keyDirOf(auditDir: string, env: NodeJS.ProcessEnv = process.env): string {
  return env.DX_AUDIT_KEY_DIR || join(auditDir, 'keys');
}

export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);
}

function publicPem(key: KeyObject): string {
  return createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString();
}

/** List the public half of a key, so verifiers find it by id after the private key has rotated. */
function listPublicKey(keyDir: string, privateKey: KeyObject): string {
  const keyId = keyIdOf(createPublicKey(privateKey));
  mkdirSync(join(keyDir, 'public'), { recursive: true, mode: 0o700 });
  const file = join(keyDir, 'public', `${keyId}.pem`);
  if (!existsSync(file)) writeFileSync(file, publicPem(privateKey), { mode: 0o644 });
  return keyId;
}

function writePrivateKey(file: string, key: KeyObject, flag: 'wx' | 'w'): void {
  writeFileSync(file, key.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag });
}

/** The current signing key, made on first use. */
export function loadSigningKey(keyDir: string): SigningKey {
  mkdirSync(keyDir, { recursive: true, mode: 0o700 });
  const file = join(keyDir, PRIVATE_FILE);
  if (!existsSync(file)) {
    try {
      writePrivateKey(file, generateKeyPairSync('ed25519').privateKey, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error; // another process made it first
    }
  }
  const mode = statSync(file).mode & 0o077;
  if (mode !== 0) throw new Error(`audit signing key ${file} is readable by others (mode ${(statSync(file).mode & 0o777).toString(8)}); chmod 600 it`);
  const privateKey = createPrivateKey(readFileSync(file));
  return { keyId: listPublicKey(keyDir, privateKey), privateKey };
}

/**
 * A new signing key; the old public key stays listed. The new private key is written beside the
 * old one and renamed over it, so a writer never reads half a key. Writers pick it up when they
 * next open their chain.
 */
export function rotateSigningKey(keyDir: string): SigningKey {
  loadSigningKey(keyDir);
  const privateKey = generateKeyPairSync('ed25519').privateKey;
  const keyId = listPublicKey(keyDir, privateKey);
  const next = join(keyDir, `${PRIVATE_FILE}.next`);
  writePrivateKey(next, privateKey, 'w');
  renameSync(next, join(keyDir, PRIVATE_FILE));
  return { keyId, privateKey };
}

/** Public keys by id, from PEM files or folders of them (a key folder's `public/` is read too). */
export function readPublicKeys(paths: readonly string[]): Map<string, KeyObject> {
  const keys = new Map<string, KeyObject>();
  const add = (file: string) => {
    const key = createPublicKey(readFileSync(file));
    keys.set(keyIdOf(key), key);
  };
  for (const path of paths) {
    if (!existsSync(path)) continue;
    if (!statSync(path).isDirectory()) {
      add(path);
      continue;
    }
    const folders = [path, join(path, 'public')].filter((d) => existsSync(d) && statSync(d).isDirectory());
    for (const folder of folders) {
      for (const name of readdirSync(folder)) if (name.endsWith('.pem') && name !== PRIVATE_FILE) add(join(folder, name));
    }
  }
  return keys;
}
