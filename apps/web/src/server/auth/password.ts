import { hash, verify, type Algorithm } from '@node-rs/argon2';

// `Algorithm` is an ambient const enum (unusable as a value under verbatimModuleSyntax); Argon2id is its member 2.
const argon2id = 2 as Algorithm;

/**
 * argon2id with OWASP's recommended minimum (19 MiB memory, 2 iterations, 1 lane); the parameters are encoded in the
 * PHC string, so raising them later still verifies old hashes (and `needsRehash` tells when to upgrade).
 */
export const passwordHashOptions = {
  algorithm: argon2id,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
  outputLen: 32,
} as const;

export const minPasswordLength = 12;
export const maxPasswordLength = 256;

export async function hashPassword(password: string): Promise<string> {
  if (password.length < minPasswordLength || password.length > maxPasswordLength) {
    throw new RangeError(`password must be ${minPasswordLength}–${maxPasswordLength} characters long`);
  }
  return hash(password, passwordHashOptions);
}

// Verified when the e-mail is unknown, so a miss costs the same time as a wrong password (no user enumeration).
let dummyHash: Promise<string> | undefined;

export async function verifyPassword(storedHash: string | null, password: string): Promise<boolean> {
  if (password.length > maxPasswordLength) return false;
  if (storedHash === null) {
    dummyHash ??= hash('stagecast-dummy-password', passwordHashOptions);
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  try {
    return await verify(storedHash, password);
  } catch {
    return false;
  }
}

export function needsRehash(storedHash: string): boolean {
  return !storedHash.startsWith(
    `$argon2id$v=19$m=${passwordHashOptions.memoryCost},t=${passwordHashOptions.timeCost},p=${passwordHashOptions.parallelism}$`,
  );
}
