import { Readable } from 'node:stream';
import { afterEach } from 'vitest';
import { startTestEmulator, type TestEmulator, type TestEmulatorOptions } from '../helpers/emulator.js';
import { runCli, type CliOptions } from '../helpers/cli.js';

export const FIXTURES = new URL('../fixtures/e2e/', import.meta.url).pathname;

/** Canary secrets: none may appear in any output. */
export const CANARIES = {
  SHOP_PROD_ADMIN_SECRET: 'admin-canary-9f3c2e71',
  LIVE_ADMIN: 'live-admin-canary-0d4b',
  LITERAL: 'literal-canary-5b1e',
};

/**
 * The shop fixture's live side: prod with drifted, stale, ignored and Cloud-managed keys; staging
 * already right but for one key.
 */
export function seedShop(t: TestEmulator) {
  const prod = t.seed('shop-prod', {
    ACTIONS_ENDPOINT: 'https://old.example.com',
    HASURA_GRAPHQL_ENABLE_CONSOLE: 'false',
    HASURA_GRAPHQL_OLD_FLAG: 'yes',
    STALE_FLAG: 'stale',
    PG_POOL: '10',
  });
  // Cloud sets a random admin secret on create; make it a canary the plan must never print.
  t.emulator.store.setEnv(prod.tenantId, {
    ...t.emulator.store.getEnv(prod.tenantId).env,
    HASURA_GRAPHQL_ADMIN_SECRET: CANARIES.LIVE_ADMIN,
  });
  const staging = t.seed('shop-staging', { ACTIONS_ENDPOINT: 'https://actions.staging.example.com' });
  return { prod, staging };
}

let current: TestEmulator | undefined;
afterEach(async () => {
  await current?.close();
  current = undefined;
});

/** An emulator for this test (closed after it) and a runCli bound to it and the e2e fixtures. */
export async function world(options: TestEmulatorOptions = {}) {
  const t = await startTestEmulator(options);
  current = t;
  const env = { ...t.env, SHOP_PROD_ADMIN_SECRET: CANARIES.SHOP_PROD_ADMIN_SECRET };
  const hcr = (args: string[], more: CliOptions = {}) => runCli(args, { cwd: FIXTURES, ...more, env: { ...env, ...more.env } });
  const mutations = () => t.emulator.requests.filter((r) => r.operationType === 'mutation');
  return { t, env, hcr, mutations };
}

export function expectNoCanary(...texts: string[]): void {
  for (const text of texts) {
    for (const canary of Object.values(CANARIES)) {
      if (text.includes(canary)) throw new Error(`canary ${canary} leaked into output:\n${text}`);
    }
  }
}

/**
 * A terminal user who, while reading the plan, sees someone edit the project by hand (with the hash
 * they read, as the console does), then types "yes". The stream is read only at hcr's prompt.
 */
export function yesAfterEdit(t: TestEmulator, tenantId: string, edit: Record<string, string>): Readable {
  let done = false;
  return new Readable({
    read() {
      if (done) return;
      done = true;
      t.emulator.store.updateEnv(tenantId, t.emulator.store.getEnv(tenantId).hash, edit);
      this.push('yes\n');
      this.push(null);
    },
  });
}
