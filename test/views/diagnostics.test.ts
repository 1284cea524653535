import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/views/', import.meta.url));
const SECRET = 'admin-secret-canary-7f3a';
const MAINTENANCE = 'shop is in maintenance mode; Hasura Cloud refuses its env changes until maintenance ends';
const GONE = 'shop-old is marked destroy: true and does not exist: nothing to do; remove it from the file when you like';

let t: TestEmulator;
let scratch: string;
beforeAll(async () => {
  t = await startTestEmulator();
  // warnings.yaml changes shop's LOG_LEVEL; shop-old, marked destroy, is already gone.
  const shop = t.seed('shop', { LOG_LEVEL: 'info', HASURA_GRAPHQL_ADMIN_SECRET: SECRET });
  t.emulator.store.setMaintenance(shop.tenantId, true);
  scratch = await mkdtemp(join(tmpdir(), 'hcr-views-'));
});
afterAll(async () => {
  await t.close();
  await rm(scratch, { recursive: true, force: true });
});

const hcr = (args: string[], env: Record<string, string> = {}) =>
  runCli(['plan', '-f', 'warnings.yaml', ...args], { cwd: FIXTURES, env: { ...t.env, SHOP_ADMIN_SECRET: SECRET, ...env } });

describe('what a run warns about is a diagnostic that every view shows', () => {
  it('text: a line each on stderr, at the place in the file and with its severity; the plan on stdout is as ever', async () => {
    const r = await hcr([]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`warnings.yaml:3:3: warning: ${MAINTENANCE}\nwarnings.yaml:7:3: info: ${GONE}\n`);
    expect(r.stdout).toContain('~ LOG_LEVEL  "info" -> "debug"');
    expect(r.stdout).not.toContain('maintenance');
  });

  it('JSON: in the document, by place, with severity, rule and location', async () => {
    const r = await hcr(['--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).diagnostics).toEqual([
      { severity: 'warning', rule: null, message: MAINTENANCE, location: { file: 'warnings.yaml', line: 3, col: 3 } },
      { severity: 'info', rule: null, message: GONE, location: { file: 'warnings.yaml', line: 7, col: 3 } },
    ]);
  });

  it('Markdown: in the comment, after the checks, warnings first', async () => {
    const r = await hcr(['--format', 'markdown']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      [
        '**1 warning and 1 note:**',
        '',
        `- ⚠️ **warning** ${MAINTENANCE} (\`warnings.yaml:3:3\`)`,
        `- ℹ️ **note** ${GONE} (\`warnings.yaml:7:3\`)`,
      ].join('\n'),
    );
  });

  it('GitHub Actions: an annotation on the file and line for a warning (notes stay in the log), and in the job summary', async () => {
    const summary = join(scratch, 'summary.md');
    const r = await hcr(['--format', 'json'], { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary });
    expect(r.stderr.split('\n').filter((line) => line.startsWith('::'))).toEqual([
      `::warning file=warnings.yaml,line=3,col=3::${MAINTENANCE}`,
    ]);
    expect(await readFile(summary, 'utf8')).toContain(`- ⚠️ **warning** ${MAINTENANCE} (\`warnings.yaml:3:3\`)`);
  });
});
