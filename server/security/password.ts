/**
 * Password hashing with scrypt (memory-hard: N = 2^15, r = 8 → 32 MiB per hash), a random 16-byte
 * salt, the parameters stored with the hash so they can be raised later. Verification is constant
 * time. The policy refuses short and obviously weak passwords.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { availableParallelism } from 'node:os';

const N = 2 ** 15;
const R = 8;
const P = 1;
const KEY_LEN = 32;
const MAX_MEM = 128 * N * R * 2;

/** Thrown instead of hashing when too many hashes already run or wait: the caller answers 503. */
export class HashBusyError extends Error {
  constructor() {
    super('too many sign-ins at once: try again in a few seconds');
  }
}

/**
 * A hash costs ~100 ms of a core and 32 MiB: unbounded, a burst of sign-ins starves ingest and
 * ticks. At most half the cores hash at once, a few more wait, the rest are refused at once.
 */
export const HASH_LIMITS = { running: Math.max(1, Math.floor(availableParallelism() / 2)), waiting: 4 };
let running = 0;
const queue: (() => void)[] = [];

async function gated<T>(work: () => Promise<T>): Promise<T> {
  if (running >= HASH_LIMITS.running) {
    if (queue.length >= HASH_LIMITS.waiting) throw new HashBusyError();
    await new Promise<void>((r) => queue.push(r));
  } else running++;
  try {
    return await work();
  } finally {
    // Hand the slot straight to the next waiter (running stays the same), or free it.
    const next = queue.shift();
    if (next) next();
    else running--;
  }
}

function scryptAsync(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return gated(
    () =>
      new Promise<Buffer>((resolve, reject) =>
        scrypt(password.normalize('NFKC'), salt, KEY_LEN, { N: n, r, p, maxmem: Math.max(MAX_MEM, 128 * n * r * 2) }, (err, key) =>
          err ? reject(err) : resolve(key),
        ),
      ),
  );
}

/** "scrypt$N$r$p$salt$hash" (base64url). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, N, R, P);
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [n, r, p] = parts.slice(1, 4).map(Number);
  if (!Number.isInteger(n) || !Number.isInteger(r) || !Number.isInteger(p) || n! > 2 ** 20 || n! < 2 ** 14) return false;
  const salt = Buffer.from(parts[4]!, 'base64url');
  const expected = Buffer.from(parts[5]!, 'base64url');
  const key = await scryptAsync(password, salt, n!, r!, p!);
  return key.length === expected.length && timingSafeEqual(key, expected);
}

const COMMON = [
  'password',
  '123456',
  'qwerty',
  'admin',
  'letmein',
  'welcome',
  'warroom',
  'changeme',
  'iloveyou',
  'abc123',
  '111111',
  'monkey',
  'dragon',
  'secret',
];

/** Why a password is too weak, or null when it is acceptable. */
export function passwordProblem(password: string, username?: string): string | null {
  if (typeof password !== 'string' || password.length < 12) return 'must be at least 12 characters';
  if (password.length > 256) return 'must be at most 256 characters';
  const lower = password.toLowerCase();
  if (new Set(password).size < 6) return 'must use at least 6 different characters';
  if (username && lower.includes(username.toLowerCase())) return 'must not contain the username';
  // A common word padded with digits and symbols ("Password2026!") is still a common password.
  const letters = lower.replace(/[^a-z]/g, '');
  if (COMMON.includes(letters) || /^\d+$/.test(lower) || COMMON.some((w) => lower.startsWith(w) && lower.length < w.length + 6))
    return 'is too close to a common password';
  return null;
}

/** Why a secret token (admin or viewer token from the environment) is too weak, or null. */
export function tokenProblem(token: string, minLength: number): string | null {
  if (token.length < minLength) return `must be at least ${minLength} characters`;
  if (!/^[\x21-\x7e]+$/.test(token)) return 'must be printable characters without spaces';
  if (new Set(token).size < Math.min(12, Math.floor(minLength / 2)))
    return 'is too repetitive (use a random value, e.g. openssl rand -base64 32)';
  const lower = token.toLowerCase();
  if (COMMON.some((w) => lower.includes(w))) return 'contains a common word (use a random value, e.g. openssl rand -base64 32)';
  return null;
}
