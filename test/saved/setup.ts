import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect } from 'vitest';
import type { CliOptions } from '../helpers/cli.js';
import type { TestEmulatorOptions } from '../helpers/emulator.js';
import { CANARIES, expectNoCanary, world } from '../e2e/setup.js';

export const SAVED_FIXTURES = new URL('../fixtures/saved/', import.meta.url).pathname;

/** The key of the JWT secret both shop projects share (fixtures/saved/shop.yaml): another canary. */
export const JWT_CANARY = 'jwt-canary-71c0aa3e';
/** That JWT secret: a config the engine accepts (an HS256 key of at least 32 bytes), so that the Hasura checks pass. */
export const JWT_SECRET = JSON.stringify({ type: 'HS256', key: `${JWT_CANARY}-0123456789abcdef` });

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/**
 * An emulator (world()) and a runCli whose working directory is a fresh copy of the saved-plan
 * fixtures, so a test may edit or delete the YAML between plan and apply.
 */
export async function savedWorld(options: TestEmulatorOptions = {}) {
  const w = await world(options);
  const dir = await mkdtemp(join(tmpdir(), 'hcr-saved-'));
  dirs.push(dir);
  await cp(SAVED_FIXTURES, dir, { recursive: true });
  const hcr = (args: string[], more: CliOptions = {}) =>
    w.hcr(args, { cwd: dir, ...more, env: { SHOP_JWT_SECRET: JWT_SECRET, ...more.env } });
  return { ...w, dir, hcr, path: (name: string) => join(dir, name) };
}

const SECRETS = [...Object.values(CANARIES), JWT_CANARY];

/** No canary in any output. */
export function expectNoSecret(...texts: string[]): void {
  expectNoCanary(...texts);
  for (const text of texts) expect(text).not.toContain(JWT_CANARY);
}

/** No canary in a file's bytes, as text or base64 of it. */
export async function expectNoSecretIn(file: string): Promise<void> {
  const bytes = await readFile(file);
  for (const secret of SECRETS) {
    for (const form of [secret, Buffer.from(secret).toString('base64'), Buffer.from(secret).toString('base64url')]) {
      expect(bytes.includes(form), `${secret} found in ${file}`).toBe(false);
    }
  }
}

/** Output with the temporary directory, plan times and salts normalized, for snapshots. */
export function withoutDir(text: string, dir: string): string {
  return text
    .replaceAll(dir, '<dir>')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g, '<time>')
    .replace(/hcr \d+\.\d+\.\d+(-[\w.]+)?/g, 'hcr <version>');
}
