import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { CliOptions } from '../helpers/cli.js';
import { world } from '../e2e/setup.js';

const DIR = fileURLToPath(new URL('../fixtures/hasura/cli/', import.meta.url));

/**
 * Sensitive values that fail a check, in canary.yaml: a JWT secret whose HS256 key is too short,
 * one that only warns (a Firebase JWK set without audience), a CORS origin without a scheme; and a
 * live value the engine refuses. Each holds a canary. The redactor masks a secret only as a whole,
 * so a message that quoted a part of one (the key inside the JWT JSON, decoded) would show here.
 */
const KEY = 'canary"k7f3e';
const ISSUER = 'canary-issuer-9d2c';
const ORIGIN = 'canary-origin-5e1d';
const LIVE = 'live-canary-4b8a';
const PARTS = [KEY, JSON.stringify(KEY).slice(1, -1), 'k7f3e', ISSUER, ORIGIN, LIVE];

const ENV = {
  BROKEN_JWT_SECRET: JSON.stringify({ type: 'HS256', key: KEY }),
  RISKY_JWT_SECRET: JSON.stringify({
    jwk_url: 'https://www.googleapis.com/service_accounts/v1/jwk/securetoken@system.gserviceaccount.com',
    issuer: `https://securetoken.google.com/${ISSUER}`,
  }),
};

function expectNoCanary(where: string, text: string): void {
  for (const part of PARTS) expect(text.includes(part), `${JSON.stringify(part)} leaked into ${where}:\n${text}`).toBe(false);
}

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('a sensitive value that fails a check', () => {
  it('appears in no output: text, JSON, Markdown, SARIF, annotations, job summary, saved plan', async () => {
    const { t, hcr } = await world();
    t.seed('shop-prod', { HASURA_GRAPHQL_DEV_MODE: LIVE });
    t.seed('shop-staging');
    const dir = await mkdtemp(join(tmpdir(), 'hcr-canary-'));
    dirs.push(dir);
    const summary = join(dir, 'summary.md');
    const run = async (args: string[], expected: number, more: CliOptions = {}) => {
      const r = await hcr(args, { cwd: DIR, ...more, env: { ...ENV, GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary, ...more.env } });
      expect(r.code, `hcr ${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(expected);
      expectNoCanary(`stdout of hcr ${args.join(' ')}`, r.stdout);
      expectNoCanary(`stderr of hcr ${args.join(' ')}`, r.stderr);
      return r;
    };

    const validate = await run(['validate', '-f', 'canary.yaml'], 1);
    expect(validate.stderr).toContain('error[hasura/jwt-secret]: shop-prod: HASURA_GRAPHQL_JWT_SECRET: the HS256 key is 12 bytes long');
    expect(validate.stderr).toContain(
      'error[hasura/cors-domain]: shop-prod: HASURA_GRAPHQL_CORS_DOMAIN: one of the origins is not an origin',
    );
    expect(validate.stderr).toContain(
      'warning[hasura/jwt-audience]: shop-staging: HASURA_GRAPHQL_JWT_SECRET: jwk_url is a JWK set Google shares',
    );
    expect(validate.stderr).toContain('::error file=canary.yaml,line=6,col=7,title=hasura/jwt-secret::');
    await run(['validate', '-f', 'canary.yaml', '--format', 'sarif'], 1);

    for (const format of ['text', 'json', 'markdown']) {
      const plan = await run(['plan', '-f', 'canary.yaml', '--format', format], 1);
      expect(plan.stdout).toContain('hasura/jwt-secret');
      expect(plan.stdout).toContain('hasura/bool');
      await run(['apply', '-f', 'canary.yaml', '--auto-approve', '--format', format === 'markdown' ? 'text' : format], 1);
      const drift = await run(['drift', '-f', 'canary.yaml', '--format', format], 2);
      expect(drift.stdout).toContain('hasura/bool');
    }
    expect(t.emulator.requests.filter((r) => r.operationType === 'mutation')).toEqual([]);

    // The project whose secret only warns may be planned, saved and applied.
    const out = join(dir, 'plan.hcr');
    const saved = await run(['plan', '-f', 'canary.yaml', '--project', 'shop-staging', '--out', out], 0);
    expect(saved.stdout).toContain('hasura/jwt-audience');
    await run(['show', out, '--format', 'json'], 0);
    await run(['apply', out], 0);
    expectNoCanary('the saved plan', readFileSync(out, 'utf8'));
    expectNoCanary('the job summary', readFileSync(summary, 'utf8'));
    expect(readFileSync(summary, 'utf8')).toContain('hasura/jwt-secret');
  });
});
