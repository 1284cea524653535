import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { RULE_IDS } from '../../src/hasura/rules.js';
import { runCli } from '../helpers/cli.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/hasura/', import.meta.url));

/** The SARIF 2.1.0 JSON schema (see test/fixtures/sarif/README.md for where it comes from). */
const SARIF_SCHEMA = fileURLToPath(new URL('../fixtures/sarif/sarif-2.1.0.json', import.meta.url));

function validator() {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  // The formats the schema names, checked as their RFCs would (ajv ships none of them).
  ajv.addFormat('uri', (s: string) => URL.canParse(s));
  ajv.addFormat('uri-reference', (s: string) => URL.canParse(s, 'https://example.com/base/') && !/[\s\\]/.test(s));
  ajv.addFormat('date-time', (s: string) => !Number.isNaN(Date.parse(s)));
  ajv.addFormat('uuid', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
  return ajv.compile(JSON.parse(readFileSync(SARIF_SCHEMA, 'utf8')) as object);
}

async function sarif(args: string[], cwd: string, env: Record<string, string> = {}) {
  const r = await runCli(['validate', '--format', 'sarif', ...args], { cwd, env });
  return { ...r, log: JSON.parse(r.stdout) };
}

describe('hcr validate --format sarif', () => {
  const validate = validator();

  it('writes a SARIF 2.1.0 log that the official schema accepts, with every rule described', async () => {
    const { code, stderr, log } = await sarif(['-f', 'refused/bool.yaml', '-f', 'cli/warnings.yaml'], FIXTURES, {
      SHOP_ADMIN_SECRET: 'admin-secret-0',
    });
    // Two files declare shop-prod: a problem of the files themselves, which is a result too.
    expect(code).toBe(1);
    expect(stderr).toBe('');
    expect(validate(log), JSON.stringify(validate.errors, null, 2)).toBe(true);
    const [run] = log.runs;
    const rules = run.tool.driver.rules;
    expect(rules.map((r: { id: string }) => r.id)).toEqual(['hcr/desired-state', ...RULE_IDS]);
    for (const rule of rules) {
      expect(rule.shortDescription.text).toBeTruthy();
      expect(rule.fullDescription.text).toBeTruthy();
      expect(rule.help.text).toBeTruthy();
      expect(['error', 'warning', 'note']).toContain(rule.defaultConfiguration.level);
    }
    expect(run.results).toEqual([
      {
        ruleId: 'hcr/desired-state',
        ruleIndex: 0,
        level: 'error',
        message: { text: expect.stringContaining('projects.shop-prod: declared again') },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: 'test/fixtures/hasura/refused/bool.yaml' },
              region: { startLine: 3, startColumn: 3 },
            },
          },
        ],
      },
    ]);
  });

  it('puts each finding at its file, line and column, relative to the repository, with its rule and level', async () => {
    const { code, log } = await sarif(['-f', 'warnings.yaml'], `${FIXTURES}cli`, { SHOP_ADMIN_SECRET: 'admin-secret-0' });
    expect(code).toBe(0);
    expect(validate(log), JSON.stringify(validate.errors, null, 2)).toBe(true);
    const results = log.runs[0].results.map((r: any) => [
      r.ruleId,
      r.level,
      log.runs[0].tool.driver.rules[r.ruleIndex].id,
      r.locations[0].physicalLocation.artifactLocation.uri,
      r.locations[0].physicalLocation.region.startLine,
      r.locations[0].physicalLocation.region.startColumn,
    ]);
    const uri = 'test/fixtures/hasura/cli/warnings.yaml';
    expect(results).toEqual([
      ['hasura/unknown-name', 'warning', 'hasura/unknown-name', uri, 8, 7],
      ['hasura/cors-path', 'warning', 'hasura/cors-path', uri, 9, 7],
      ['hasura/allowlist', 'warning', 'hasura/allowlist', uri, 11, 7],
      ['hasura/jwt-audience', 'warning', 'hasura/jwt-audience', uri, 12, 7],
    ]);

    const errors = await sarif(['-f', 'refused/bool.yaml'], FIXTURES);
    expect(errors.code).toBe(1);
    expect(validate(errors.log)).toBe(true);
    expect(errors.log.runs[0].results[0]).toMatchObject({
      ruleId: 'hasura/bool',
      level: 'error',
      message: { text: expect.stringContaining('"1" is not a boolean') },
    });
  });

  it('reports a file that breaks the schema as results of hcr/desired-state, not as an error', async () => {
    const { code, stdout, stderr, log } = await sarif(['-f', 'sarif/broken.yaml'], FIXTURES);
    expect(code).toBe(1);
    expect(stderr).toBe('');
    expect(validate(log)).toBe(true);
    expect(log.runs[0].results).toEqual([
      expect.objectContaining({
        ruleId: 'hcr/desired-state',
        level: 'error',
        message: { text: expect.stringContaining('did you mean "prune"?') },
      }),
    ]);
    expect(stdout.endsWith('}\n')).toBe(true);
  });

  it('is one that the schema refuses when broken: the validation can fail', () => {
    expect(validate({ version: '2.1.0', runs: [{ tool: { driver: {} }, results: [] }] })).toBe(false);
    expect(
      validate({ version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, results: [{ level: 'fatal', message: { text: 'm' } }] }] }),
    ).toBe(false);
  });
});
