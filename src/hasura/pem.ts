import { X509Certificate, createPublicKey, type KeyObject } from 'node:crypto';

/** A public key the engine can verify tokens with. */
export type KeyKind = { kind: 'rsa' } | { kind: 'ec'; curve: 'P-256' | 'P-384' | 'P-521' } | { kind: 'ed25519' };

// jose's ecParametersFromX509: the NIST curves only [F].
const CURVES: Record<string, 'P-256' | 'P-384' | 'P-521'> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };

/**
 * Reads a JWT `key` as the engine does (JWTI `fromRawPem`) [F]: the first PEM block of the text
 * (whatever its label), base64 decoded; its DER a PKCS#1 RSA public key or a SubjectPublicKeyInfo,
 * else an X.509 certificate; the key RSA, EC on a NIST curve, or Ed25519 (`pubKeyToJwk`). The
 * answer never holds any of the text.
 */
export function readPublicKey(text: string): KeyKind | { problem: string } {
  const block = firstPemBlock(text);
  if ('problem' in block) return block;
  if (/PRIVATE/.test(block.label)) {
    return { problem: 'is a private key (its PEM label says so); the engine needs the public key, or a certificate' };
  }
  const key = publicKeyOf(block.der);
  if (!key) return { problem: 'is a PEM block, but neither a public key (PKCS#1 or SubjectPublicKeyInfo) nor an X.509 certificate' };
  const type = key.asymmetricKeyType;
  if (type === 'rsa') return { kind: 'rsa' };
  if (type === 'ed25519') return { kind: 'ed25519' };
  const curve = type === 'ec' ? CURVES[key.asymmetricKeyDetails?.namedCurve ?? ''] : undefined;
  if (curve) return { kind: 'ec', curve };
  return {
    problem: `holds ${type === 'ec' ? 'an EC key on a curve' : `a ${type} key, a kind`} the engine does not support (RSA, EC P-256/P-384/P-521 or Ed25519)`,
  };
}

/** Data.PEM's parser [F]: lines (a trailing \r dropped) from `-----BEGIN L-----` to `-----END L-----`, strict base64 between. */
function firstPemBlock(text: string): { label: string; der: Buffer } | { problem: string } {
  const lines = text.split('\n').map((line) => line.replace(/\r$/, ''));
  const begin = lines.findIndex((line) => line.startsWith('-----BEGIN '));
  if (begin >= 0 && lines[begin]!.includes('\\n')) {
    return {
      problem: 'is not PEM: its line breaks are the two characters \\n (escaped twice); in the JSON, write \\n once per line break',
    };
  }
  if (begin < 0) return { problem: 'is not a PEM block (-----BEGIN …-----); an RSA, EC or Ed25519 key is given as PEM text' };
  const label = /^-----BEGIN (.*)-----$/.exec(lines[begin]!)?.[1];
  if (label === undefined) return { problem: 'has a PEM BEGIN line that does not end in -----' };
  const end = lines.indexOf(`-----END ${label}-----`, begin + 1);
  if (end < 0) return { problem: 'has no -----END …----- line matching its BEGIN line' };
  const base64 = lines.slice(begin + 1, end).join('');
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(base64)) {
    return { problem: 'is PEM whose body is not valid base64 (stray spaces or characters between BEGIN and END?)' };
  }
  return { label, der: Buffer.from(base64, 'base64') };
}

function publicKeyOf(der: Buffer): KeyObject | undefined {
  const attempts: (() => KeyObject)[] = [
    // createPublicKey also derives a key from a private PKCS#1 key: accept only DER that is itself the public key.
    () => {
      const key = createPublicKey({ key: der, format: 'der', type: 'pkcs1' });
      if (!key.export({ format: 'der', type: 'pkcs1' }).equals(der)) throw new Error('not a public key');
      return key;
    },
    () => createPublicKey({ key: der, format: 'der', type: 'spki' }),
    () => new X509Certificate(der).publicKey,
  ];
  for (const attempt of attempts) {
    try {
      return attempt();
    } catch {
      // The next form, as the engine tries them in turn.
    }
  }
  return undefined;
}
