import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { world } from './setup.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const EXAMPLES = readdirSync(new URL('examples/', `file://${ROOT}`)).filter((f) => f.endsWith('.yaml'));

/** What each example needs to exist live: name → tenantId, when it pins one. */
const PINNED: Record<string, string> = {
  'bookstore-api': '3f2c8a41-9d7e-4b6a-8c15-2e4f6a7b9c01',
  'marketplace-prod': '9b1d5e27-4c3a-4f8e-a6d2-7e0c1b3f5a88',
};
const LIVE_PROJECTS = ['bookstore-api', 'marketplace-staging', 'marketplace-prod', 'payments-prod', 'inventory-prod'];

const SECRETS = {
  PAYMENTS_PROD_ADMIN_SECRET: 'example-admin-secret',
  PAYMENTS_PROD_JWT_SECRET: '{"type":"HS256","key":"0123456789abcdef0123456789abcdef"}',
  PAYMENTS_PROD_STRIPE_WEBHOOK_SECRET: 'whsec_example',
  PAYMENTS_PROD_DATABASE_URL: 'postgres://app:pw@db.internal:5432/payments',
  PAYMENTS_PROD_ACTIONS_URL: 'https://actions.payments.example.com',
};

describe('examples/', () => {
  it.each(EXAMPLES)('%s plans and applies against the emulator, then plans no changes', async (example) => {
    const { t, hcr } = await world();
    for (const name of LIVE_PROJECTS) {
      t.emulator.store.createProject({ name, tenantId: PINNED[name], env: { LEGACY: 'x', PG_DATABASE_URL: 'postgres://u:p@h/db' } });
    }
    const run = (...args: string[]) => hcr([...args, '-f', `examples/${example}`], { cwd: ROOT, env: SECRETS });
    const plan = await run('plan', '--detailed-exitcode');
    expect(plan.stderr).toBe('');
    expect(plan.code).toBe(2);
    const apply = await run('apply', '--auto-approve');
    expect(apply.stderr).toBe('');
    expect(apply.code).toBe(0);
    expect((await run('plan', '--detailed-exitcode')).code).toBe(0);
    for (const secret of Object.values(SECRETS).filter((s) => !s.startsWith('https://'))) {
      expect(plan.stdout + apply.stdout).not.toContain(secret);
    }
  });
});
