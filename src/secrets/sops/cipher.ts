import { createDecipheriv } from 'node:crypto';

/**
 * sops' value cipher (getsops/sops aes/cipher.go): `ENC[AES256_GCM,data:B64,iv:B64,tag:B64,type:T]`,
 * AES-256-GCM with a 32-byte IV and the value's key path as additional data. And the conversions
 * sops makes between a value and the bytes its MAC hashes (sops.go ToBytes), which follow Go's
 * strconv: they are reproduced here exactly, or a genuine file would fail its MAC.
 */

const ENC = /^ENC\[AES256_GCM,data:([A-Za-z0-9+/]+={0,2}),iv:([A-Za-z0-9+/]+={0,2}),tag:([A-Za-z0-9+/]+={0,2}),type:([a-z]+)\]$/;
const IV_BYTES = 32;
const TAG_BYTES = 16;

export type ValueType = 'str' | 'int' | 'float' | 'bool' | 'bytes' | 'time' | 'comment';
const TYPES: readonly string[] = ['str', 'int', 'float', 'bool', 'bytes', 'time', 'comment'];

export interface Decrypted {
  /** The plaintext as sops encrypted it. */
  plaintext: Buffer;
  type: ValueType;
}

/** Why a value does not decrypt; the caller names the file and the value's place. */
export class CipherError extends Error {}

/** The additional data sops binds a value to: its map keys joined with ":" plus ":" (list indexes are not part of it). */
export function additionalData(path: readonly string[]): string {
  return `${path.join(':')}:`;
}

export function decryptValue(value: string, key: Buffer, aad: string): Decrypted {
  const m = ENC.exec(value);
  if (!m) throw new CipherError('is not an encrypted sops value (ENC[AES256_GCM,…])');
  const [, data, iv, tag, type] = m as unknown as [string, string, string, string, string];
  if (!TYPES.includes(type)) throw new CipherError(`has the unknown value type ${JSON.stringify(type)}`);
  const ivBytes = Buffer.from(iv, 'base64');
  const tagBytes = Buffer.from(tag, 'base64');
  if (ivBytes.length !== IV_BYTES || tagBytes.length !== TAG_BYTES) throw new CipherError('has an IV or tag of the wrong length');
  const decipher = createDecipheriv('aes-256-gcm', key, ivBytes, { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(tagBytes);
  try {
    return { plaintext: Buffer.concat([decipher.update(Buffer.from(data, 'base64')), decipher.final()]), type: type as ValueType };
  } catch {
    throw new CipherError('does not authenticate: it was changed, or moved from another key');
  }
}

/**
 * The bytes the MAC hashes for a decrypted value: sops parses the plaintext by its type and
 * formats it again (an int through Atoi/Itoa, a float through ParseFloat/FormatFloat, a bool as
 * True/False, a time through RFC 3339). A plaintext its type cannot parse fails, as in sops.
 */
export function macBytes({ plaintext, type }: Decrypted): Buffer {
  const text = plaintext.toString('utf8');
  const parsed = (value: string | undefined): Buffer => {
    if (value === undefined) throw new CipherError(`does not hold a valid ${type}`);
    return Buffer.from(value, 'utf8');
  };
  switch (type) {
    case 'str':
    case 'bytes':
    case 'comment':
      return plaintext;
    case 'int':
      return parsed(goInt(text));
    case 'float': {
      const f = goParseFloat(text);
      return parsed(f === undefined ? undefined : goFormatFloat(f));
    }
    case 'bool': {
      const b = goParseBool(text);
      return parsed(b === undefined ? undefined : goBool(b));
    }
    case 'time':
      return parsed(goTime(text));
  }
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** strconv.Atoi then Itoa: an optional sign and decimal digits within int64. */
function goInt(text: string): string | undefined {
  if (!/^[+-]?[0-9]+$/.test(text)) return undefined;
  const n = BigInt(text);
  return n < INT64_MIN || n > INT64_MAX ? undefined : n.toString();
}

/** Whether an integer fits Go's int; sops' JSON store reads a larger one as a float. */
export function fitsInt64(n: bigint): boolean {
  return n >= INT64_MIN && n <= INT64_MAX;
}

/** strconv.ParseFloat(s, 64) for the decimal forms and the special values; undefined where Go errs (or for hex floats). */
function goParseFloat(text: string): number | undefined {
  if (/^[+-]?(inf|infinity)$/i.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  if (/^nan$/i.test(text)) return NaN;
  if (!/^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/.test(text)) return undefined;
  const f = Number(text);
  // Go refuses a value out of float64's range; Number gives ±Infinity.
  return Number.isFinite(f) ? f : undefined;
}

/**
 * strconv.FormatFloat(f, 'f', -1, 64): the shortest digits that read back as `f` (the same digits
 * as JavaScript's shortest form), written without an exponent.
 */
export function goFormatFloat(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const { digits, point } = shortestDigits(Math.abs(f));
  const body =
    point <= 0
      ? `0.${'0'.repeat(-point)}${digits}`
      : point >= digits.length
        ? digits + '0'.repeat(point - digits.length)
        : `${digits.slice(0, point)}.${digits.slice(point)}`;
  return f < 0 ? `-${body}` : body;
}

/** The shortest digits of a positive `f` (from Number#toString) and how many of them stand before the decimal point. */
function shortestDigits(f: number): { digits: string; point: number } {
  const [mantissa, exp] = String(f).split('e') as [string, string | undefined];
  const [whole, fraction = ''] = mantissa.split('.') as [string, string | undefined];
  if (exp !== undefined) return { digits: whole + fraction, point: whole.length + Number(exp) };
  if (whole !== '0') return { digits: whole + fraction, point: whole.length };
  const significant = fraction.replace(/^0+/, '');
  return { digits: significant, point: significant.length - fraction.length };
}

/** strconv.ParseBool. */
export function goParseBool(text: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return false;
  return undefined;
}

/** How sops writes a boolean (after its Python original). */
export function goBool(b: boolean): string {
  return b ? 'True' : 'False';
}

/** time.Time UnmarshalText (RFC 3339) then MarshalText (RFC 3339 with nanoseconds, trailing zeros dropped, Z for UTC). */
function goTime(text: string): string | undefined {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(text);
  if (!m) return undefined;
  const fraction = (m[2] ?? '').replace(/0+$/, '');
  return `${m[1]}${fraction ? `.${fraction}` : ''}${rfc3339Offset(m[3]!)}`;
}

/** Go formats a zero offset as Z. */
function rfc3339Offset(offset: string): string {
  return /^[+-]00:00$/.test(offset) ? 'Z' : offset;
}

/**
 * The additional data of the MAC: `lastmodified` as sops reads it (time.Parse RFC 3339) and writes
 * it again (Format RFC 3339: whole seconds, Z for UTC). Undefined if it is not a time.
 */
export function lastModifiedData(text: string): string | undefined {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.\d+)?(Z|[+-]\d{2}:\d{2})$/.exec(text);
  return m ? `${m[1]}${rfc3339Offset(m[2]!)}` : undefined;
}
