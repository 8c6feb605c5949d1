import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 256-bit random secret, base64url (43 chars). */
export function randomSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** SHA-256 hex: how session ids and API tokens are stored (they are high-entropy, so no salt or slow hash needed). */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

/** API tokens look like `sct_<43 chars>`; the prefix makes them recognisable to secret scanners and in logs. */
export const apiTokenPrefix = 'sct_';
export const apiTokenPattern = /^sct_[A-Za-z0-9_-]{43}$/;

export function generatePassword(): string {
  // 18 random bytes → 24 base64url characters (144 bits).
  return randomBytes(18).toString('base64url');
}
