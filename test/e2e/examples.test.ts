import { describe, expect, it } from 'vitest';
import { EXAMPLE_ENV, EXAMPLES, ROOT } from '../helpers/examples.js';
import { world } from './setup.js';

/** What each example needs to exist live: name → tenantId, when it pins one. */
const PINNED: Record<string, string> = {
  'bookstore-api': '3f2c8a41-9d7e-4b6a-8c15-2e4f6a7b9c01',
  'marketplace-prod': '9b1d5e27-4c3a-4f8e-a6d2-7e0c1b3f5a88',
};
const LIVE_PROJECTS = [
  'bookstore-api',
  'marketplace-staging',
  'marketplace-prod',
  'payments-prod',
  'inventory-prod',
  'storefront-prod',
  'storefront-pr-17',
];

describe('examples/', () => {
  it.each(EXAMPLES)('%s plans and applies against the emulator, then plans no changes', async (example) => {
    const { t, hcr } = await world();
    for (const name of LIVE_PROJECTS) {
      t.emulator.store.createProject({ name, tenantId: PINNED[name], env: { LEGACY: 'x', PG_DATABASE_URL: 'postgres://u:p@h/db' } });
    }
    // --allow-destroy for the examples that delete a project; the others have nothing it changes.
    const run = (...args: string[]) => hcr([...args, '-f', `examples/${example}`, '--allow-destroy'], { cwd: ROOT, env: EXAMPLE_ENV });
    const plan = await run('plan', '--detailed-exitcode');
    expect(plan.stderr).toBe('');
    expect(plan.code).toBe(2);
    const apply = await run('apply', '--auto-approve');
    expect(apply.stderr).toBe('');
    expect(apply.code).toBe(0);
    expect((await run('plan', '--detailed-exitcode')).code).toBe(0);
    for (const secret of Object.values(EXAMPLE_ENV).filter((s) => !s.startsWith('https://'))) {
      expect(plan.stdout + apply.stdout).not.toContain(secret);
    }
  });
});
