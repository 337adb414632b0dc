/**
 * Webhook signatures with the exchange's own Ed25519 key: a receiver verifies with the public
 * key alone, so the exchange keeps no per-subscriber secret (nothing to leak from its store),
 * and the private key never leaves the data directory (file mode 0600).
 * Header: `dx-signature: t=<unix seconds>,ed25519=<base64 signature of "<t>.<body>">`.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SIGNATURE_HEADER = 'dx-signature';
/** A receiver should refuse signatures older than this, so a captured message cannot be replayed later. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

function keyFile(dataDir: string): string {
  return join(dataDir, 'keys', 'webhook-signing-key.pem');
}

function signingKey(dataDir: string): KeyObject {
  const file = keyFile(dataDir);
  if (!existsSync(file)) {
    mkdirSync(join(dataDir, 'keys'), { recursive: true });
    const { privateKey } = generateKeyPairSync('ed25519');
    try {
      writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error; // another process made it first
    }
  }
  return createPrivateKey(readFileSync(file));
}

/** The public key receivers verify with (PEM, SPKI). */
export function webhookPublicKey(dataDir: string): string {
  return createPublicKey(signingKey(dataDir)).export({ type: 'spki', format: 'pem' }).toString();
}

export function signWebhook(dataDir: string, body: string, at = new Date()): string {
  const t = Math.floor(at.getTime() / 1000);
  const signature = sign(null, Buffer.from(`${t}.${body}`), signingKey(dataDir)).toString('base64');
  return `t=${t},ed25519=${signature}`;
}

/** What a receiver runs: true when the body was signed by the exchange within the tolerance. */
export function verifyWebhook(publicKeyPem: string, header: string | undefined, body: string, now = new Date()): boolean {
  const parts = Object.fromEntries((header ?? '').split(',').map((p) => p.split('=', 2) as [string, string]).filter((p) => p.length === 2));
  const t = Number(parts.t);
  const signature = header?.match(/ed25519=([A-Za-z0-9+/=]+)/)?.[1];
  if (!Number.isInteger(t) || !signature) return false;
  if (Math.abs(now.getTime() / 1000 - t) > SIGNATURE_TOLERANCE_SECONDS) return false;
  return verify(null, Buffer.from(`${t}.${body}`), createPublicKey(publicKeyPem), Buffer.from(signature, 'base64'));
}
