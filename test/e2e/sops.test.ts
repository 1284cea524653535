import { cpSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/examples.js';
import { AGE_KEY, FIXTURES as SOPS_FIXTURES, OTHER_AGE_KEY, sopsFile } from '../helpers/sops.js';
import { world } from './setup.js';

const E2E = new URL('../fixtures/sops-e2e/', import.meta.url).pathname;

/** The plaintext each key must have live, from the sops vectors' known plaintext and the mounted file. */
const JWT = '{"type":"HS256","key":"jwt-file-canary-3b9e0d51aa7c4f1268d2"}';
const LIVE = {
  ACTIONS_ENDPOINT: 'https://actions.example.com',
  DOTENV_SECRET: 'this is a secret',
  FEATURE_ON: 'True',
  HASURA_GRAPHQL_ADMIN_SECRET: 'this is a secret',
  HASURA_GRAPHQL_JWT_SECRET: JWT,
  MAX_CONNECTIONS: '7',
  ORDER_WORD: 'gotta match go',
  THIRD_ITEM: 'three',
};
/** Decrypted values distinctive enough to search every output and file for. */
const CANARIES = ['this is a secret', 'gotta match go', 'jwt-file-canary-3b9e0d51aa7c4f1268d2'];

/** A scratch copy of the desired state with the real sops vectors as its secrets. */
function project(): { dir: string; inputs: Set<string> } {
  const dir = mkdtempSync(join(tmpdir(), 'hcr-sops-e2e-'));
  cpSync(E2E, dir, { recursive: true });
  cpSync(join(SOPS_FIXTURES, 'age', 'secret.enc.yaml'), join(dir, 'secrets', 'app.sops.yaml'));
  cpSync(join(SOPS_FIXTURES, 'age', 'secret.enc.json'), join(dir, 'secrets', 'app.sops.json'));
  cpSync(join(SOPS_FIXTURES, 'age', 'secret.enc.env'), join(dir, 'secrets', 'app.env'));
  return { dir, inputs: new Set(files(dir)) };
}

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => statSync(join(dir, f)).isFile());
}

function expectNoPlaintext(...texts: string[]): void {
  for (const text of texts) for (const canary of CANARIES) expect(text).not.toContain(canary);
}

/** No file hcr wrote in `dir` (anything but the inputs) holds a decrypted value, as text or base64. */
function expectNoPlaintextInFiles(dir: string, inputs: Set<string>): void {
  for (const file of files(dir).filter((f) => !inputs.has(f))) {
    const bytes = readFileSync(join(dir, file));
    for (const canary of CANARIES) {
      for (const form of [canary, Buffer.from(canary).toString('base64'), Buffer.from(canary).toString('base64url')]) {
        expect(bytes.includes(form), `${canary} found in ${relative(dir, join(dir, file))}`).toBe(false);
      }
    }
  }
}

async function setup(env: Record<string, string> = { SOPS_AGE_KEY: AGE_KEY }) {
  const w = await world();
  const prod = w.t.seed('shop-prod', { ACTIONS_ENDPOINT: 'https://old.example.com' });
  const { dir, inputs } = project();
  const hcr = (...args: string[]) => w.hcr(args, { cwd: dir, env });
  const live = () => w.t.emulator.store.getEnv(prod.tenantId).env;
  return { ...w, dir, inputs, hcr, live, prod };
}

describe('secrets from the real sops files, end to end', () => {
  it('applies them against the emulator: the right plaintext live, none in any output or file', async () => {
    const { hcr, live, dir, inputs } = await setup();
    const plan = await hcr('plan');
    expect(plan.stderr).toBe('');
    expect(plan.stdout).toContain('~ HASURA_GRAPHQL_ADMIN_SECRET  (sensitive value changed, from sops secrets/app.sops.yaml#/secret)');
    expect(plan.stdout).toContain('+ THIRD_ITEM                   (sensitive value, from sops secrets/app.sops.yaml#/complex/array/2)');
    expect(plan.stdout).toContain('(sensitive value, from file secrets/jwt.json)');
    const views = [
      await hcr('plan', '--format', 'json'),
      await hcr('plan', '--format', 'markdown'),
      await hcr('plan', '--out', 'plan.hcr'),
    ];
    const apply = await hcr('apply', 'plan.hcr', '--format', 'json');
    expect(apply.code).toBe(0);
    expect(live()).toMatchObject(LIVE);
    expectNoPlaintext(plan.stdout, ...views.flatMap((v) => [v.stdout, v.stderr]), apply.stdout, apply.stderr);
    expectNoPlaintextInFiles(dir, inputs);
    expect(readFileSync(join(dir, 'plan.hcr'), 'utf8')).toContain('"fromSops": "secrets/app.sops.yaml#/secret"');
    expect((await hcr('plan', '--detailed-exitcode')).code).toBe(0);
  });

  it('a tampered sops file: exit 1 at the line that names it, no request made', async () => {
    const { hcr, dir, t } = await setup();
    const file = join(dir, 'secrets', 'app.sops.yaml');
    const text = readFileSync(file, 'utf8');
    const item = /- (ENC\[[^\]]+\])/.exec(text)![1]!;
    const other = [...text.matchAll(/- (ENC\[[^\]]+\])/g)][1]![1]!;
    writeFileSync(file, text.replace(item, '\0').replace(other, item).replace('\0', other));
    t.emulator.requests.length = 0;
    const r = await hcr('apply', '--auto-approve');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(
      'hasura-cloud.yaml:6:48: projects.shop-prod.env.HASURA_GRAPHQL_ADMIN_SECRET: fromSops "secrets/app.sops.yaml" does not match its MAC',
    );
    // One problem for the file, at its first value, naming the others that read it.
    expect(r.stderr).toContain(
      '(which updates the MAC) (the same for 2 more values: projects.shop-prod.env.MAX_CONNECTIONS, projects.shop-prod.env.THIRD_ITEM)',
    );
    expect(r.stderr.match(/fromSops "secrets\/app\.sops\.yaml"/g)).toHaveLength(1);
    expect(t.emulator.requests).toEqual([]);
    expectNoPlaintext(r.stderr);
  });

  it('no age identity: exit 1 naming the file and how to give one, nothing written', async () => {
    const { hcr, t, live } = await setup({});
    const before = live();
    const r = await hcr('apply', '--auto-approve');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'projects.shop-prod.env.DOTENV_SECRET: fromSops "secrets/app.env": no age identity was found to open it; it is encrypted for age1je6kjhzuhdjy3fqptpttxjh5k8q46vygzlgtpuq3030c947pc5tqz9dqvr',
    );
    expect(r.stderr).toContain('Give hcr the age private key: SOPS_AGE_KEY');
    // Once per file, however many values it holds: not the same paragraph for each of them.
    expect(r.stderr.match(/no age identity was found/g)).toHaveLength(3);
    expect(r.stderr).toContain('(the same for 1 more value: projects.shop-prod.env.FEATURE_ON)');
    expect(r.stderr).toMatch(/\n3 problems in 1 file\n?$/);
    expect(t.emulator.requests).toEqual([]);
    expect(live()).toEqual(before);
  });

  it('a wrong age identity: exit 1, nothing written', async () => {
    const { hcr, t } = await setup({ SOPS_AGE_KEY: OTHER_AGE_KEY });
    const r = await hcr('apply', '--auto-approve');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('fromSops "secrets/app.sops.json": none of the age identities found opens it');
    expect(r.stderr).not.toContain(OTHER_AGE_KEY);
    expect(t.emulator.requests).toEqual([]);
  });

  it('a saved plan decrypts again at apply and refuses a secret that changed since, or cannot be read', async () => {
    const { hcr, dir, t, live } = await setup();
    expect((await hcr('plan', '--out', 'plan.hcr')).code).toBe(0);
    const yaml = join(dir, 'secrets', 'app.sops.yaml');
    const original = readFileSync(yaml, 'utf8');
    // Re-encrypted by sops' rules with another admin secret: a valid file, but not what was reviewed.
    writeFileSync(yaml, await sopsFile({ secret: 'rotated-after-review', int: 7n, complex: { array: ['one', 'two', 'three'] } }, 'yaml'));
    const before = live();
    t.emulator.requests.length = 0;
    const changed = await hcr('apply', 'plan.hcr');
    expect(changed.code).toBe(1);
    expect(changed.stderr).toContain(
      'shop-prod HASURA_GRAPHQL_ADMIN_SECRET (from sops secrets/app.sops.yaml#/secret, named in hasura-cloud.yaml): the value is not the one this plan was made with',
    );
    expect(changed.stderr).not.toContain('rotated-after-review');
    writeFileSync(yaml, original.replace(/lastmodified: .*/, 'lastmodified: "2024-03-25T22:08:11Z"'));
    const tampered = await hcr('apply', 'plan.hcr');
    expect(tampered.code).toBe(1);
    expect(tampered.stderr).toContain('"secrets/app.sops.yaml" has a MAC that does not decrypt with its lastmodified');
    expect(t.emulator.requests.filter((r) => r.operationType === 'mutation')).toEqual([]);
    expect(live()).toEqual(before);
    writeFileSync(yaml, original);
    const shown = await hcr('show', 'plan.hcr');
    const applied = await hcr('apply', 'plan.hcr');
    expect(applied.code).toBe(0);
    expect(live()).toMatchObject(LIVE);
    expectNoPlaintext(shown.stdout, applied.stdout, applied.stderr, changed.stdout, tampered.stdout, tampered.stderr);
  });

  it('refuses a source outside the tree of the desired state, naming the line', async () => {
    const { hcr, dir, t } = await setup();
    writeFileSync(
      join(dir, 'hasura-cloud.yaml'),
      'version: 1\nprojects:\n  shop-prod:\n    env:\n      A: { fromFile: /proc/self/environ }\n      B: { fromSops: "../x.yaml#/a" }\n',
    );
    const r = await hcr('plan');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('hasura-cloud.yaml:5:22: projects.shop-prod.env.A: fromFile "/proc/self/environ" is an absolute path');
    expect(r.stderr).toContain(
      'hasura-cloud.yaml:6:22: projects.shop-prod.env.B: fromSops "../x.yaml" leaves the directory of the desired-state file',
    );
    expect(t.emulator.requests).toEqual([]);
  });
});

describe('examples/sops', () => {
  it('plans and applies with the age key file its README names, then plans no changes', async () => {
    const { t, hcr } = await world();
    const prod = t.seed('payments-prod', {});
    const env = { SOPS_AGE_KEY_FILE: 'examples/sops/age-test-key.txt' };
    const run = (...args: string[]) => hcr([...args, '-f', 'examples/sops/hasura-cloud.yaml'], { cwd: ROOT, env });
    const plan = await run('plan', '--detailed-exitcode');
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain('(sensitive value changed, from sops secrets/prod.sops.json#/secret)');
    const apply = await run('apply', '--auto-approve');
    expect(apply.stderr).toBe('');
    expect(apply.code).toBe(0);
    expect(t.emulator.store.getEnv(prod.tenantId).env).toMatchObject({
      HASURA_GRAPHQL_ADMIN_SECRET: 'this is a secret',
      HASURA_GRAPHQL_PG_CONNECTIONS: '7',
      WEBHOOK_TOKEN: 'this is a secret',
      HASURA_GRAPHQL_JWT_SECRET: readFileSync(join(ROOT, 'examples/sops/secrets/jwt.json'), 'utf8').trimEnd(),
    });
    expectNoPlaintext(plan.stdout, apply.stdout);
    expect((await run('plan', '--detailed-exitcode')).code).toBe(0);
  });
});
