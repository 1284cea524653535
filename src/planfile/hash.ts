import { createHmac, randomBytes, scrypt } from 'node:crypto';

/**
 * scrypt with N=2^14, r=8, p=1 (what its author recommends for interactive logins, and Node's
 * default): 16 MiB and tens of milliseconds per guess, so a leaked plan file does not let anyone
 * test guesses at a weak secret cheaply, while a plan with dozens of distinct secrets still hashes
 * in about a second, several at a time on libuv's threadpool. Costlier settings (N=2^17: 128 MiB,
 * above Node's default memory cap) would make every plan and apply wait for little gain: most
 * values here are random tokens, which no guessing reaches anyway.
 * One random salt per file makes every file's hashes different (no precomputed tables, no linking
 * the same secret across files), and lets a value shared by several entries be stretched once.
 * Each entry's hash is then an HMAC of its project and key under that stretched value, so the file
 * does not even show which entries share a value (the same secret reused in production and
 * staging is worth hiding), and a hash moved to another entry no longer matches.
 */
const SCRYPT = { N: 2 ** 14, r: 8, p: 1 } as const;
const STRETCHED_BYTES = 32;
const SALT_BYTES = 16;

/** The file's value_hashing.scheme: the one scheme this hcr hashes with and reads. */
export const HASHING_SCHEME = `scrypt(N=${SCRYPT.N},r=${SCRYPT.r},p=${SCRYPT.p},len=${STRETCHED_BYTES})+hmac-sha256(project,key)`;

/** A fresh salt for a file. */
export const newSalt = (): Buffer => randomBytes(SALT_BYTES);

/** One entry of a plan, as its HMAC binds it (and as a map key). */
export const entryId = (project: string, key: string): string => JSON.stringify([project, key]);

/** Hashes values under one salt; a value met again reuses its scrypt result instead of paying for it twice. */
export class ValueHasher {
  private readonly stretched = new Map<string, Promise<Buffer>>();
  constructor(private readonly salt: Buffer) {}

  async hash(project: string, key: string, value: string): Promise<Buffer> {
    let secret = this.stretched.get(value);
    if (!secret) {
      // The async scrypt runs on the threadpool, so the entries of a plan are hashed in parallel.
      secret = new Promise<Buffer>((done, fail) =>
        scrypt(value, this.salt, STRETCHED_BYTES, SCRYPT, (err, out) => (err ? fail(err) : done(out))),
      );
      this.stretched.set(value, secret);
    }
    return createHmac('sha256', await secret)
      .update(entryId(project, key))
      .digest();
  }
}
