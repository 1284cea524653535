import { chmod, mkdtemp, readFile, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomically } from '../../src/util/files.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hcr-files-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeFileAtomically', () => {
  it('writes a new file with the mode asked for, and leaves no temporary file', async () => {
    await writeFileAtomically(join(dir, 'plan.hcr'), 'text\n', { overwrite: false, mode: 0o600 });
    expect(await readFile(join(dir, 'plan.hcr'), 'utf8')).toBe('text\n');
    expect((await stat(join(dir, 'plan.hcr'))).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['plan.hcr']);
  });

  it('replaces a file only with overwrite, and then with a file of its own mode', async () => {
    const file = join(dir, 'hcr.yaml');
    await writeFile(file, 'old');
    await chmod(file, 0o666);
    const refused = await writeFileAtomically(file, 'new', { overwrite: false, mode: 0o644 }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'EEXIST' });
    expect(await readFile(file, 'utf8')).toBe('old');

    await writeFileAtomically(file, 'new', { overwrite: true, mode: 0o600 });
    expect(await readFile(file, 'utf8')).toBe('new');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['hcr.yaml']);
  });

  it('replaces a symlink itself, never writing through it to its target', async () => {
    await writeFile(join(dir, 'target'), 'kept');
    await symlink(join(dir, 'target'), join(dir, 'link'));
    await writeFileAtomically(join(dir, 'link'), 'new', { overwrite: true, mode: 0o600 });
    expect(await readFile(join(dir, 'target'), 'utf8')).toBe('kept');
    expect(await readFile(join(dir, 'link'), 'utf8')).toBe('new');
  });

  it('fails in a missing directory, creating nothing', async () => {
    const err = await writeFileAtomically(join(dir, 'nowhere', 'f'), 'x', { overwrite: true, mode: 0o600 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ENOENT' });
    expect(await readdir(dir)).toEqual([]);
  });
});
