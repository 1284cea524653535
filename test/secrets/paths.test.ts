import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SecretReader } from '../../src/secrets/index.js';
import { MAX_FROM_FILE_BYTES } from '../../src/secrets/file.js';
import { AGE_KEY, FIXTURES } from '../helpers/sops.js';

/**
 * A project directory `repo/` (holding the desired-state file) beside `outside/`, which a pull
 * request must not be able to reach.
 */
function layout() {
  const root = mkdtempSync(join(tmpdir(), 'hcr-paths-'));
  const repo = join(root, 'repo');
  mkdirSync(join(repo, 'secrets'), { recursive: true });
  mkdirSync(join(root, 'outside'));
  writeFileSync(join(root, 'outside', 'token'), 'outside-canary\n');
  writeFileSync(join(repo, 'secrets', 'jwt.json'), '{"type":"HS256","key":"jwt-canary"}\n');
  const reader = new SecretReader({ SOPS_AGE_KEY: AGE_KEY }, repo);
  const read = (source: { fromFile: string } | { fromSops: string }) => reader.read(source, join(repo, 'hasura-cloud.yaml'));
  return { root, repo, read };
}

const posixOnly = it.skipIf(process.platform === 'win32');

describe('fromFile', () => {
  it('reads the file, one trailing newline dropped', async () => {
    const { repo, read } = layout();
    expect(await read({ fromFile: 'secrets/jwt.json' })).toBe('{"type":"HS256","key":"jwt-canary"}');
    writeFileSync(join(repo, 'crlf'), 'line1\r\nline2\r\n');
    writeFileSync(join(repo, 'two'), 'value\n\n');
    writeFileSync(join(repo, 'none'), 'value');
    expect(await read({ fromFile: 'crlf' })).toBe('line1\r\nline2');
    expect(await read({ fromFile: 'two' })).toBe('value\n');
    expect(await read({ fromFile: 'none' })).toBe('value');
  });

  it('refuses an empty file, one that is not UTF-8, and one too large', async () => {
    const { repo, read } = layout();
    writeFileSync(join(repo, 'empty'), '\n');
    writeFileSync(join(repo, 'latin1'), Buffer.from([0x63, 0x61, 0x66, 0xe9]));
    writeFileSync(join(repo, 'big'), 'x'.repeat(MAX_FROM_FILE_BYTES + 1));
    await expect(read({ fromFile: 'empty' })).rejects.toThrow('"empty" is empty (a mount that failed?)');
    await expect(read({ fromFile: 'latin1' })).rejects.toThrow('"latin1" is not UTF-8 text');
    await expect(read({ fromFile: 'big' })).rejects.toThrow('"big" is larger than 256 KiB');
  });
});

describe('a value source stays inside the directory tree of the desired-state file', () => {
  it.each([
    ['../outside/token', 'leaves the directory of the desired-state file'],
    ['secrets/../../outside/token', 'leaves the directory of the desired-state file'],
    ['/proc/self/environ', 'is an absolute path'],
    ['../../../../../../proc/self/environ', 'leaves the directory of the desired-state file'],
    ['C:/Windows/win.ini', 'is an absolute path'],
    ['secrets\\jwt.json', 'holds a backslash'],
    ['secrets/missing', 'does not exist'],
    ['secrets', 'is a directory, not a regular file'],
  ])('fromFile %s is refused: %s', async (path, why) => {
    const { read } = layout();
    await expect(read({ fromFile: path })).rejects.toThrow(`${JSON.stringify(path)} ${why}`);
  });

  it('fromSops paths are checked the same way', async () => {
    const { read } = layout();
    await expect(read({ fromSops: '../outside/s.yaml#/a' })).rejects.toThrow('"../outside/s.yaml" leaves the directory');
    await expect(read({ fromSops: '/etc/s.yaml#/a' })).rejects.toThrow('"/etc/s.yaml" is an absolute path');
  });

  posixOnly('a symlink out of the tree is refused, for the file itself or any directory above it', async () => {
    const { root, repo, read } = layout();
    symlinkSync(join(root, 'outside', 'token'), join(repo, 'secrets', 'link'));
    symlinkSync(join(root, 'outside'), join(repo, 'mounted'));
    symlinkSync('/proc/self/environ', join(repo, 'environ'));
    for (const path of ['secrets/link', 'mounted/token', 'environ']) {
      const message = await read({ fromFile: path }).catch((e: Error) => e.message);
      expect(message).toContain(`${JSON.stringify(path)} leads through a symlink out of the directory of the desired-state file`);
      expect(message).not.toContain('outside-canary');
    }
  });

  posixOnly('a symlink that stays inside the tree is followed', async () => {
    const { repo, read } = layout();
    symlinkSync(join(repo, 'secrets', 'jwt.json'), join(repo, 'current.json'));
    expect(await read({ fromFile: 'current.json' })).toContain('jwt-canary');
    symlinkSync(join(FIXTURES, 'age', 'secret.enc.yaml'), join(repo, 'secrets', 'out.yaml'));
    await expect(read({ fromSops: 'secrets/out.yaml#/secret' })).rejects.toThrow('leads through a symlink out');
  });

  posixOnly('a FIFO is refused before it is opened (opening one would block)', async () => {
    const { repo, read } = layout();
    execFileSync('mkfifo', [join(repo, 'secrets', 'pipe')]);
    await expect(read({ fromFile: 'secrets/pipe' })).rejects.toThrow('"secrets/pipe" is a FIFO (named pipe), not a regular file');
    await expect(read({ fromSops: 'secrets/pipe#/a' })).rejects.toThrow('is a FIFO (named pipe)');
  });

  posixOnly('a symlink to a device is refused, never read', async () => {
    const { repo, read } = layout();
    symlinkSync('/dev/zero', join(repo, 'zero'));
    await expect(read({ fromFile: 'zero' })).rejects.toThrow('"zero" leads through a symlink out');
  });
});
