import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliOptions } from '../helpers/cli.js';
import { sayingService } from '../helpers/saying-service.js';
import { Canaries } from './canaries.js';
import { FIXTURES, reliabilityWorld, scriptedWorld, type Step } from './harness.js';

/** The sensitive literal written in vault.yaml. */
const LITERAL = 'canary-literal-5d1f8e';
const FILE = ['-f', `${FIXTURES}vault.yaml`];

/**
 * vault.yaml's two projects with canaries everywhere a secret can be: the fromEnv values, the
 * sensitive literal, live values that change, are pruned, ignored or unmanaged, and the token.
 * Every run of `hcr` goes through a check that no canary is in its stdout, its stderr, or any
 * file it wrote (saved plans, GitHub's job summary, imported YAML).
 */
async function vault(script?: Record<string, Step[]>) {
  const canaries = new Canaries();
  canaries.add(LITERAL);
  const env = { VAULT_ADMIN_SECRET: canaries.make('admin'), VAULT_PAYMENT_KEY: canaries.make('payment') };
  const w = script ? await scriptedWorld(script, { env }) : await reliabilityWorld({ env });
  canaries.add(w.t.token);
  const prodLive = {
    HASURA_GRAPHQL_ADMIN_SECRET: canaries.make('live-admin'),
    WEBHOOK_SIGNING_KEY: canaries.make('live-signing'),
    STRIPE_SECRET_KEY: canaries.make('live-stripe'),
    LEGACY_HOOK: `https://hooks.example.com/in?token=${canaries.make('live-hook')}`,
    PG_PASSWORD: canaries.make('live-pg'),
    PUBLIC_URL: 'https://old.example.com',
  };
  const prod = w.t.seed('vault-prod', prodLive);
  w.t.seed('vault-staging', {
    PAYMENT_KEY: canaries.make('live-payment'),
    OTHER_SECRET: canaries.make('live-other'),
    PUBLIC_URL: 'https://old.example.com',
  });
  const summary = join(w.dir, 'summary.md');
  const hcr = async (args: string[], more: CliOptions = {}) => {
    const r = await w.hcr(args, { ...more, env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary, ...more.env } });
    canaries.expectNoneLeaked(r, w.outputs());
    return r;
  };
  /** A console edit of vault-prod, based on what it just read. */
  const edit = () =>
    void w.journal.as('console', () =>
      w.store.updateEnv(prod.tenantId, w.store.getEnv(prod.tenantId).hash, { PUBLIC_URL: 'https://hotfix.example.com' }),
    );
  return { w, canaries, env, hcr, prod, prodLive, summary, edit };
}

/**
 * A service in front of the emulator whose error for the `echoed` operations repeats everything
 * the request carried: its body (with every variable) and its Authorization header.
 */
function echoingService(upstream: string, echoed: string[]): Promise<string> {
  return sayingService(upstream, ({ operation, body, authorization }) =>
    echoed.includes(operation) ? `cannot process ${body} sent with ${authorization}` : undefined,
  );
}

describe('no secret in any output: canaries through every command', () => {
  it('plan in every view, saved with --out and shown again, with the job summary and --verbose', async () => {
    const v = await vault();
    for (const format of ['text', 'json', 'markdown']) {
      const r = await v.hcr(['plan', ...FILE, '--format', format, '--verbose', '--detailed-exitcode', '--out', `plan-${format}.hcrplan`]);
      expect(r.code, r.stderr).toBe(2);
      if (format === 'text') expect(r.stdout).toContain('(sensitive value changed');
      expect((await v.hcr(['show', `plan-${format}.hcrplan`, '--format', format])).code).toBe(0);
    }
    // The scan covered what hcr wrote: three saved plans and the job summary.
    expect(v.w.outputs().sort()).toEqual(
      [...['json', 'markdown', 'text'].map((f) => join(v.w.dir, `plan-${f}.hcrplan`)), v.summary].sort(),
    );
  });

  it('drift in every view, with the job summary and --verbose', async () => {
    const v = await vault();
    for (const format of ['text', 'json', 'markdown'])
      expect((await v.hcr(['drift', ...FILE, '--format', format, '--verbose'])).code).toBe(2);
    expect(v.w.outputs()).toEqual([v.summary]);
  });

  it('apply, of a saved plan and of a fresh one, then import of the secrets it wrote', async () => {
    const v = await vault();
    expect((await v.hcr(['plan', ...FILE, '--out', 'reviewed.hcrplan'])).code).toBe(0);
    const saved = await v.hcr(['apply', 'reviewed.hcrplan', '--verbose']);
    expect(saved.code, saved.stdout + saved.stderr).toBe(0);
    // The secrets really went over the wire: the scan is not vacuous.
    expect(v.w.store.getEnv(v.prod.tenantId).env.HASURA_GRAPHQL_ADMIN_SECRET).toBe(v.env.VAULT_ADMIN_SECRET);

    v.w.store.setEnv(v.prod.tenantId, v.prodLive); // someone puts the old values back
    const fresh = await v.hcr(['apply', ...FILE, '--auto-approve', '--verbose']);
    expect(fresh.code).toBe(0);
    expect(fresh.stdout).toContain('vault-prod: applied');
    const json = await v.hcr(['apply', ...FILE, '--auto-approve', '--format', 'json']);
    expect(JSON.parse(json.stdout).summary).toMatchObject({ unchanged: 2 });

    expect((await v.hcr(['import', '--project', 'vault-*', '--out', 'imported.yaml'])).code).toBe(0);
    expect(v.w.outputs()).toContain(join(v.w.dir, 'imported.yaml'));
  });
});

describe('no secret in any error', () => {
  it('a conflict, whose refused write carried the secrets', async () => {
    const script: Record<string, Step[]> = {};
    const v = await vault(script);
    script.updateTenantEnv = [{ step: 'ok', before: v.edit }];
    const r = await v.hcr(['apply', ...FILE, '--auto-approve', '--concurrency', '1', '--verbose']);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/✗ vault-prod: conflict/);
  });

  it('a wrong token (which is a secret too)', async () => {
    const v = await vault();
    const wrong = v.canaries.make('wrong-token');
    const r = await v.hcr(['plan', ...FILE, '--verbose'], { env: { HASURA_CLOUD_ACCESS_TOKEN: wrong } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('the access token was refused');
  });

  it('server errors from the emulator, on a read and on both tries of a write', async () => {
    // The batched read fails, and then one of the reads sent alone.
    const v = await vault({
      getTenantEnvs: ['server-error'],
      getTenantEnv: ['server-error'],
      updateTenantEnv: ['http-503', 'server-error'],
    });
    const plan = await v.hcr(['plan', ...FILE, '--retries', '0', '--verbose']);
    expect(plan.code).toBe(1);
    expect(plan.stderr).toMatch(/getTenantEnv failed: there was an internal error/);
    const apply = await v.hcr(['apply', ...FILE, '--auto-approve', '--concurrency', '1', '--verbose']);
    expect(apply.code).toBe(1);
    expect(apply.stdout).toMatch(/✗ vault-prod: failed .*nothing was written/);
  });

  it('a service whose errors echo every variable and the Authorization header', async () => {
    const v = await vault();
    const endpoint = await echoingService(v.w.emulator.url, ['updateTenantEnv', 'deleteTenantEnv']);
    const apply = await v.hcr(['apply', ...FILE, '--auto-approve'], { env: { HASURA_CLOUD_ENDPOINT: endpoint } });
    expect(apply.code).toBe(1);
    expect(apply.stdout).toMatch(/✗ vault-prod: failed .*cannot process .*\(sensitive\)/);

    const reads = await echoingService(v.w.emulator.url, ['getTenantEnvs', 'getTenantEnv']);
    const plan = await v.hcr(['plan', ...FILE], { env: { HASURA_CLOUD_ENDPOINT: reads } });
    expect(plan.code).toBe(1);
    expect(plan.stderr).toMatch(/cannot process .* sent with pat \(sensitive\)/);
  });
});

describe('--verbose', () => {
  it('logs every request by operation name and timing, never a variable or a header', async () => {
    const v = await vault({ getTenantEnvs: ['http-503'], updateTenantEnv: ['lost-answer'] });
    const r = await v.hcr(['apply', ...FILE, '--auto-approve', '--concurrency', '1', '--verbose']);
    const lines = r.stderr.trimEnd().split('\n');
    const operation = /[A-Za-z]+(?: \(\d+ tenants\))?/.source;
    for (const line of lines)
      expect(line).toMatch(
        new RegExp(
          `^\\[hcr\\] (POST ${operation} \\d+ms|${operation} failed \\([a-z-]+, attempt \\d+/\\d+\\)(, retrying in \\d+ms| after \\d+ms))$`,
        ),
      );
    // One line per HTTP request the service received, in order.
    expect(lines.map((line) => /^\[hcr\] (?:POST )?([A-Za-z]+)/.exec(line)![1])).toEqual(v.w.emulator.requests.map((q) => q.operationName));
    expect(r.stderr).toMatch(/getTenantEnvs \(2 tenants\) failed \(server, attempt 1\/5\), retrying in \d+ms/);
    expect(r.stderr).toMatch(/updateTenantEnv failed \(network, attempt 1\/1\) after \d+ms/);

    const quiet = await v.hcr(['plan', ...FILE]);
    expect(quiet.stderr).toBe('');
  });
});

describe('--token-file', () => {
  it('refuses a file that others can read, before any request, and reads one of mode 600', async () => {
    const v = await vault();
    const noEnvToken = { HASURA_CLOUD_ACCESS_TOKEN: undefined };
    v.w.writeInput('token-shared', `${v.w.t.token}\n`, 0o644);
    const refused = await v.hcr(['plan', ...FILE, '--token-file', 'token-shared'], { env: noEnvToken });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /token file .*token-shared has mode 0644: it is readable by group or others\. Restrict it with: chmod 600 /,
    );
    expect(v.w.emulator.requests).toEqual([]);

    v.w.writeInput('token-private', `${v.w.t.token}\n`, 0o600);
    const accepted = await v.hcr(['plan', ...FILE, '--token-file', 'token-private'], { env: noEnvToken });
    expect(accepted.code, accepted.stderr).toBe(0);
  });
});

describe('no secret in any output: projects created and destroyed', () => {
  it('plan in every view, saved and shown, then its apply, creating a project the service names otherwise and deleting one full of secrets', async () => {
    const v = await vault();
    v.w.emulator.setQuirks({ createRenames: true });
    v.w.t.seed('vault-old', { HASURA_GRAPHQL_ADMIN_SECRET: v.canaries.make('old-admin'), API_KEY: v.canaries.make('old-api') });
    const file = ['-f', `${FIXTURES}vault-lifecycle.yaml`];
    for (const format of ['text', 'json', 'markdown']) {
      const r = await v.hcr(['plan', ...file, '--allow-destroy', '--format', format, '--verbose', '--out', `plan-${format}.hcrplan`]);
      expect(r.code, r.stderr).toBe(0);
      expect((await v.hcr(['show', `plan-${format}.hcrplan`, '--format', format])).code).toBe(0);
    }
    const apply = await v.hcr(['apply', 'plan-text.hcrplan', '--allow-destroy', '--verbose']);
    expect(apply.code, apply.stdout).toBe(0);
    expect(apply.stdout).toContain('✓ vault-old: deleted');
    expect(apply.stdout).toMatch(/✓ vault-new: created \(2 set\); Hasura Cloud named it project-\w+, so hcr renamed it/);
    const created = v.w.store.findProjectByName('vault-new')!;
    expect(v.w.store.getEnv(created.tenantId).env.HASURA_GRAPHQL_ADMIN_SECRET).toBe(v.env.VAULT_ADMIN_SECRET);
  });
});
