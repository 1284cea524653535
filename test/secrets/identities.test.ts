import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SecretReader } from '../../src/secrets/index.js';
import { AGE_KEY, AGE_RECIPIENT, FIXTURES, OTHER_AGE_KEY } from '../helpers/sops.js';

/** Reads the YAML vector's secret with only `env` (and a scratch directory as cwd). */
function readWith(env: Record<string, string>, cwd = mkdtempSync(join(tmpdir(), 'hcr-age-'))): Promise<string> {
  return new SecretReader(env, cwd).read({ fromSops: 'age/secret.enc.yaml#/secret' }, `${FIXTURES}hasura-cloud.yaml`);
}

function scratch(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'hcr-age-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(root, name, '..'), { recursive: true });
    writeFileSync(join(root, name), text);
  }
  return root;
}

const SECRET = 'this is a secret';

describe('age identities, found where sops finds them', () => {
  it('SOPS_AGE_KEY, also with several keys on a line', async () => {
    expect(await readWith({ SOPS_AGE_KEY: AGE_KEY })).toBe(SECRET);
    expect(await readWith({ SOPS_AGE_KEY: `${OTHER_AGE_KEY} ${AGE_KEY}` })).toBe(SECRET);
  });

  it('SOPS_AGE_KEY_FILE, relative to the working directory, comments and CRLF allowed', async () => {
    const cwd = scratch({ 'keys/age.txt': `# created: today\r\n${OTHER_AGE_KEY}\r\n${AGE_KEY}\r\n` });
    expect(await readWith({ SOPS_AGE_KEY_FILE: 'keys/age.txt' }, cwd)).toBe(SECRET);
  });

  it.skipIf(process.platform === 'win32')('SOPS_AGE_KEY_CMD, run without a shell, with SOPS_AGE_RECIPIENT set', async () => {
    // The script prints the key only if it got its arguments literally: no shell expanded $HOME or split the quoted one.
    const cwd = scratch({
      'bin/print-key': `#!/bin/sh\n[ "$1" = "--for sops" ] && [ "$2" = '$HOME;x' ] && [ "$SOPS_AGE_RECIPIENT" = "${AGE_RECIPIENT}" ] && echo "${AGE_KEY}"\nexit 0\n`,
    });
    chmodSync(join(cwd, 'bin/print-key'), 0o755);
    expect(await readWith({ SOPS_AGE_KEY_CMD: `print-key "--for sops" '$HOME;x'`, PATH: join(cwd, 'bin') }, cwd)).toBe(SECRET);
    const failing = await readWith({ SOPS_AGE_KEY_CMD: 'print-key', PATH: join(cwd, 'bin') }, cwd).catch((e: Error) => e.message);
    expect(failing).toContain('SOPS_AGE_KEY_CMD (0 identities)');
    const missing = await readWith({ SOPS_AGE_KEY_CMD: 'no-such-command', PATH: join(cwd, 'bin') }, cwd).catch((e: Error) => e.message);
    expect(missing).toContain('SOPS_AGE_KEY_CMD ("no-such-command" was not found on PATH)');
  });

  it('sops/age/keys.txt under XDG_CONFIG_HOME', async () => {
    const config = scratch({ 'sops/age/keys.txt': `${AGE_KEY}\n` });
    expect(await readWith({ XDG_CONFIG_HOME: config })).toBe(SECRET);
  });

  it.runIf(process.platform === 'linux')('sops/age/keys.txt under ~/.config without XDG_CONFIG_HOME', async () => {
    const home = scratch({ '.config/sops/age/keys.txt': `${AGE_KEY}\n` });
    expect(await readWith({ HOME: home })).toBe(SECRET);
  });

  it('no identity anywhere: names the file, its recipients, how to give a key and where it looked', async () => {
    const home = scratch({});
    const message = await readWith({ HOME: home }).catch((e: Error) => e.message);
    expect(message).toBe(
      `"age/secret.enc.yaml": no age identity was found to open it; it is encrypted for ${AGE_RECIPIENT}, ` +
        'age19j4d6v9j7rx5fs629fu387qz4zmlpsqjexa4s08tkfrrmfdl5cwqjlaupd, age13runq29jhy9kfpaegczrzttykerswh0qprq59msgd754yermtfmsa3hwg2. ' +
        'Give hcr the age private key: SOPS_AGE_KEY (the key itself, e.g. one CI secret), SOPS_AGE_KEY_FILE (a keys file), ' +
        'SOPS_AGE_KEY_CMD (a command that prints it), or sops/age/keys.txt in your config directory. ' +
        `Looked in: SOPS_AGE_KEY (not set); SOPS_AGE_KEY_FILE (not set); ${join(home, '.config/sops/age/keys.txt')} (not found).`,
    );
  });

  it('a wrong identity: says none opens it, and never quotes a key', async () => {
    const message = await readWith({ SOPS_AGE_KEY: OTHER_AGE_KEY }).catch((e: Error) => e.message);
    expect(message).toContain('"age/secret.enc.yaml": none of the age identities found opens it; it is encrypted for age1je6kjhzuhdjy3fq');
    expect(message).toContain('SOPS_AGE_KEY (1 identity)');
    expect(message).not.toContain(OTHER_AGE_KEY.slice(16));
  });

  it('a keys file with a line that is no identity: names the line, not its content', async () => {
    const typo = `${AGE_KEY.slice(0, -3)}xyz`;
    const cwd = scratch({ 'keys.txt': `${AGE_KEY}\nAGE-SECRET-KEY-1-typo-${typo.slice(30)}\n` });
    const message = await readWith({ SOPS_AGE_KEY_FILE: 'keys.txt' }, cwd).catch((e: Error) => e.message);
    expect(message).toContain(`SOPS_AGE_KEY_FILE (keys.txt) (line 2 is not a valid age identity)`);
    expect(message).not.toContain(typo.slice(30));
    expect(message).not.toContain(AGE_KEY.slice(16));
  });

  it('a missing SOPS_AGE_KEY_FILE is named', async () => {
    const message = await readWith({ SOPS_AGE_KEY_FILE: '/nonexistent/keys.txt' }).catch((e: Error) => e.message);
    expect(message).toContain('SOPS_AGE_KEY_FILE (/nonexistent/keys.txt) (no such file)');
  });
});
