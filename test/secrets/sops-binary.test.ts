import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SecretReader } from '../../src/secrets/index.js';
import { AGE_KEY, FIXTURES, sopsFile } from '../helpers/sops.js';

/**
 * Files whose data key hcr cannot open itself go to `sops decrypt`. No sops binary exists here, so
 * a stand-in script on a PATH the test sets plays it: it records its arguments and prints what the
 * real sops would (the vector's plaintext), or fails as sops does.
 */
function project(standIn?: string) {
  const root = mkdtempSync(join(tmpdir(), 'hcr-sops-bin-'));
  mkdirSync(join(root, 'bin'));
  copyFileSync(join(FIXTURES, 'raw-key', 'example.yaml'), join(root, 'pgp.sops.yaml'));
  if (standIn) {
    writeFileSync(join(root, 'bin', 'sops'), standIn);
    chmodSync(join(root, 'bin', 'sops'), 0o755);
  }
  const reader = new SecretReader(
    { PATH: `${join(root, 'bin')}:/usr/bin:/bin`, SOPS_AGE_KEY: AGE_KEY, CANARY_ENV: 'passed-through' },
    root,
  );
  return { root, read: (ref: string) => reader.read({ fromSops: ref }, join(root, 'hasura-cloud.yaml')) };
}

const PLAINTEXT = readFileSync(join(FIXTURES, 'raw-key', 'example.yaml.plain.json'), 'utf8');

describe.skipIf(process.platform === 'win32')('the sops binary, for keys hcr cannot open', () => {
  it('runs `sops decrypt --output-type json FILE` without a shell and reads its output', async () => {
    const { root, read } = project(
      `#!/bin/sh\necho "$# $1 $2 $3 $4 $5 $6 $CANARY_ENV" > "$(dirname "$0")/args"\ncat <<'JSON'\n${PLAINTEXT}\nJSON\n`,
    );
    expect(await read('pgp.sops.yaml#/app2/db/password')).toBe('c4r1b0u');
    expect(await read('pgp.sops.yaml#/number')).toBe('1234568000');
    expect(await read('pgp.sops.yaml#/somebooleans/0')).toBe('True');
    expect(readFileSync(join(root, 'bin', 'args'), 'utf8').trim()).toBe(
      `6 decrypt --input-type yaml --output-type json ${join(root, 'pgp.sops.yaml')} passed-through`,
    );
  });

  it('runs it once per file, however many values name it', async () => {
    const { root, read } = project(`#!/bin/sh\necho run >> "$(dirname "$0")/runs"\ncat <<'JSON'\n${PLAINTEXT}\nJSON\n`);
    await Promise.all([read('pgp.sops.yaml#/myapp1'), read('pgp.sops.yaml#/app2/db/user'), read('pgp.sops.yaml#/an_array/1')]);
    expect(readFileSync(join(root, 'bin', 'runs'), 'utf8')).toBe('run\n');
  });

  it('a failing sops: the exit code and its meaning, never its stderr (which can quote values)', async () => {
    const { read } = project('#!/bin/sh\necho "Could not convert stderr-canary to bytes" >&2\nexit 51\n');
    const message = await read('pgp.sops.yaml#/myapp1').catch((e: Error) => e.message);
    expect(message).toBe(
      '"pgp.sops.yaml": `sops decrypt` failed (exit 51: the MAC does not match: the file was changed after sops wrote it); ' +
        'its own message is not shown, as it can quote values. Run `sops decrypt pgp.sops.yaml > /dev/null` to see it',
    );
  });

  it('a sops that prints no JSON map', async () => {
    const { read } = project('#!/bin/sh\necho "not json: output-canary"\n');
    const message = await read('pgp.sops.yaml#/myapp1').catch((e: Error) => e.message);
    expect(message).toBe('"pgp.sops.yaml": `sops decrypt --output-type json` did not print a JSON map');
  });

  it('without sops on PATH: names the key types the data key is wrapped for', async () => {
    const { read } = project();
    await expect(read('pgp.sops.yaml#/myapp1')).rejects.toThrow(
      '"pgp.sops.yaml" has its data key wrapped only for pgp (2 keys), which hcr cannot open itself; install sops on PATH, and hcr runs `sops decrypt` on it, or add an age recipient to it (sops updatekeys)',
    );
  });

  it('a file that age opens never runs sops', async () => {
    const { root, read } = project('#!/bin/sh\ntouch "$(dirname "$0")/ran"\nexit 1\n');
    writeFileSync(
      join(root, 'age.sops.yaml'),
      await sopsFile({ token: 'age-canary' }, 'yaml', { metadata: { pgp: [{ fp: 'F', enc: 'x' }] } }),
    );
    expect(await read('age.sops.yaml#/token')).toBe('age-canary');
    expect(() => readFileSync(join(root, 'bin', 'ran'))).toThrow();
  });
});
