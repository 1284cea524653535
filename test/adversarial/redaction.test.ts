import { describe, expect, it } from 'vitest';
import { sayingService } from '../helpers/saying-service.js';
import { entries, secretWorld } from './secret-world.js';

/** The fixture's sensitive values: short ones, which used to be masked inside every word, and JSON's special characters. */
const VALUES = {
  TINY_FLAG: 'false',
  TINY_QUOTE: '"',
  TINY_BACKSLASH: '\\',
  TINY_NEWLINE: '\n',
  TINY_ONE: '1',
  TINY_MAINT: 'maint',
  TINY_SPECIAL: 'pa"ss\\wörd\n✓-special-7c1e',
};
const SENSITIVE = ['BACKSLASH', 'FLAG', 'MAINT', 'NEWLINE', 'ONE', 'QUOTE', 'SPECIAL'];
const LIVE = {
  FLAG: 'true',
  QUOTE: "'",
  BACKSLASH: '/',
  NEWLINE: ' ',
  ONE: '2',
  MAINT: 'm',
  SPECIAL: 'old',
  ENABLED: 'false',
  NOTE: 'old note',
};

/** What a Python service would send: JSON with every non-ASCII character as \u. */
const asciiJson = (text: string) => text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

async function tiny() {
  const w = await secretWorld('redaction');
  const { tenantId } = w.t.seed('tiny', LIVE);
  // Only the long one can be looked for everywhere: "false" and "1" are in every JSON view.
  w.secret(VALUES.TINY_SPECIAL, w.t.token);
  return { ...w, tenantId };
}

describe('redaction that corrupts output', () => {
  it('prints JSON that parses in every view, with short and JSON-special sensitive values and plain values whole', async () => {
    const w = await tiny();
    const { plan, results } = await w.everyView([], VALUES);
    const env = entries(plan, 'tiny');
    for (const key of SENSITIVE) expect(env[key], key).toEqual({ key, action: 'change', sensitive: true });
    expect(env.ENABLED).toEqual({ key: 'ENABLED', action: 'change', sensitive: false, before: 'false', after: 'true' });
    expect(env.NOTE).toEqual({
      key: 'NOTE',
      action: 'change',
      sensitive: false,
      before: 'old note',
      after: 'maintenance window on Sunday',
    });
    expect(results['plan text']!.stdout).toContain('~ NOTE       "old note" -> "maintenance window on Sunday"\n');
    expect(results['plan markdown']!.stdout).toContain('! ENABLED    "false" -> "true"\n');
    expect(w.read('job-summary.md')).not.toContain('(sensitive)e');

    const applied = await w.hcr(['apply', '--auto-approve', '--format', 'json'], { env: VALUES });
    expect(applied.code, applied.stderr).toBe(0);
    expect(JSON.parse(applied.stdout).projects[0]).toMatchObject({ outcome: 'applied', set: [...SENSITIVE, 'ENABLED', 'NOTE'].sort() });
    expect(w.t.emulator.store.getEnv(w.tenantId).env).toMatchObject({ NEWLINE: '\n', QUOTE: '"', SPECIAL: VALUES.TINY_SPECIAL });
  });

  it('leaves the words of messages whole: a maintenance warning and error around a secret "maint"', async () => {
    const w = await tiny();
    w.t.emulator.store.setMaintenance(w.tenantId, true);
    const plan = await w.hcr(['plan'], { env: VALUES });
    const warning = 'tiny is in maintenance mode; Hasura Cloud refuses its env changes until maintenance ends';
    expect(plan.stderr).toBe(`hasura-cloud.yaml:4:3: warning: ${warning}\n::warning file=hasura-cloud.yaml,line=4,col=3::${warning}\n`);
    const apply = await w.hcr(['apply', '--auto-approve', '--format', 'json'], { env: VALUES });
    expect(apply.code).toBe(1);
    const { projects, diagnostics } = JSON.parse(apply.stdout);
    expect(diagnostics).toEqual([
      { severity: 'warning', rule: null, message: warning, location: { file: 'hasura-cloud.yaml', line: 4, col: 3 } },
    ]);
    const [project] = projects;
    expect(project.reason).toMatch(/^updateTenantEnv failed: project is in maintenance mode: env vars cannot be added, updated or deleted/);
  });

  it("masks a service's echo of the request in every JSON-escaped form, and only the sensitive values in it", async () => {
    const w = await tiny();
    const endpoint = await sayingService(w.t.emulator.url, ({ operation, body, authorization }) =>
      operation === 'updateTenantEnv'
        ? `cannot process ${body} | ${JSON.stringify(body)} | ${asciiJson(body)} sent with ${authorization}`
        : undefined,
    );
    for (const format of ['text', 'json']) {
      const r = await w.hcr(['apply', '--auto-approve', '--format', format], {
        env: { ...VALUES, HASURA_CLOUD_ACCESS_TOKEN: w.t.token, HASURA_CLOUD_ENDPOINT: endpoint },
      });
      expect(r.code).toBe(1);
      const reason: string = format === 'json' ? JSON.parse(r.stdout).projects[0].reason : r.stdout;
      expect(reason).toContain('sent with pat (sensitive)');
      for (const key of SENSITIVE) {
        expect(reason, key).toContain(`{"key":"${key}","value":"(sensitive)"}`);
        expect(reason, key).toContain(`{\\"key\\":\\"${key}\\",\\"value\\":\\"(sensitive)\\"}`);
      }
      // Plain values, keys and ids stay as the service said them; but ENABLED's "true" is also
      // FLAG's live value, which the plan hides, so it is masked too: a mask never says which key it hides.
      expect(reason).toContain('{"key":"ENABLED","value":"(sensitive)"}');
      expect(reason).toContain('{"key":"NOTE","value":"maintenance window on Sunday"}');
      expect(reason).toContain(w.tenantId);
    }
  });

  it('masks a short secret only where it is a whole value, never inside a word', async () => {
    const w = await tiny();
    const endpoint = await sayingService(w.t.emulator.url, ({ operation }) =>
      operation === 'updateTenantEnv'
        ? `1 value "1" refused; maint and maintenance at 10:15; "false" and falsehood; enabled: yes`
        : undefined,
    );
    const r = await w.hcr(['apply', '--auto-approve', '--format', 'json'], { env: { ...VALUES, HASURA_CLOUD_ENDPOINT: endpoint } });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).projects[0].reason).toBe(
      'updateTenantEnv failed: 1 value "(sensitive)" refused; (sensitive) and maintenance at 10:15; "(sensitive)" and falsehood; enabled: yes',
    );
  });
});
