import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/views/', import.meta.url));
const SECRET = 'admin-secret-canary-7f3a';

let t: TestEmulator | undefined;
afterEach(() => t?.close());

/** shop.yaml against a shop whose LOG_LEVEL differs: apply sets one key. */
async function apply(format: string) {
  t = await startTestEmulator();
  t.seed('shop', { LOG_LEVEL: 'debug', HASURA_GRAPHQL_ADMIN_SECRET: SECRET });
  return runCli(['apply', '-f', 'shop.yaml', '--auto-approve', '--format', format], {
    cwd: FIXTURES,
    env: { ...t.env, SHOP_ADMIN_SECRET: SECRET },
  });
}

describe('apply in each view', () => {
  it('Markdown: the plan, then the report as a comment', async () => {
    const r = await apply('markdown');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^## hcr plan\n/);
    expect(r.stdout).toMatch(/\n\n## hcr apply\n\n\*\*Apply complete: 1 applied\.\*\*\n\n```\n✓ shop: applied \(1 set\)\n```\n$/);
    expect(r.stdout).not.toContain(SECRET);
  });

  it('JSON: the report alone, as one document', async () => {
    const r = await apply('json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc)).toEqual(['format_version', 'projects', 'summary', 'diagnostics']);
    expect(doc.projects).toEqual([expect.objectContaining({ name: 'shop', outcome: 'applied', set: ['LOG_LEVEL'] })]);
  });
});
