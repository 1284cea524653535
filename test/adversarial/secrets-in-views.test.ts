import { describe, expect, it } from 'vitest';
import { entries, secretWorld } from './secret-world.js';

/** The plain literals of the fixture that replace secret-looking live values: hidden with them. */
const DESIRED = [
  'plain-toggle-canary-0b2e',
  'plain-db-canary-7d41',
  'plain-callback-canary-9e03',
  'plain-config-canary-c6a8',
  'plain-build-canary-44f0',
  'default-toggle-canary-a51c',
];

/** shop as it is live: a secret in every shape the views used to print when a plan changed or removed it. */
const LIVE = {
  TOGGLE: 'live-toggle-canary-1f9d',
  DB_URL: 'postgres://app:live-db-canary-3c7e@db.example.com/shop',
  CALLBACK: 'Bearer live-callback-canary-5a0b',
  CONFIG: '{"signing":{"key":"live-config-canary-8e2f"}}',
  BUILD: 'q8Vn2KxZ7pLw4RtY9mBc1HsD-live-build-canary',
  LEGACY_FLAG: 'live-legacy-canary-6d13',
  MODE: 'off',
  // Pruned: named or shaped like secrets the rule used to miss.
  SMTP_PASS: 'live-smtp-canary-20aa',
  MYSQL_PWD: 'live-mysql-canary-31bb',
  PASSWORD_SALT: 'live-salt-canary-42cc',
  SESSION_COOKIE_NAME: 'live-cookie-canary-53dd',
  GOOGLE_CREDENTIALS: 'live-credentials-canary-64ee',
  SENTRY_DSN: 'live-dsn-canary-75ff',
  OAUTH_CLIENT: 'live-auth-canary-8601',
  MY_PRIVATE_THING: 'live-private-canary-9712',
  PG_CONNINFO: 'host=db user=app password=live-libpq-canary-a823',
  TLS_BUNDLE: '-----BEGIN CERTIFICATE-----\nlive-pem-canary-b934\n-----END CERTIFICATE-----',
  SESSION_SAMPLE: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.live-jwt-canary-ca45',
  UPSTREAM: 'admin:live-userinfo-canary-db56@cache.internal:6379',
  WEBHOOK_AUTHORIZATION: 'Basic bGl2ZS1iYXNpYy1jYW5hcnk=',
  NOTE: 'plain note',
};
const PRUNED = [
  'GOOGLE_CREDENTIALS',
  'MYSQL_PWD',
  'MY_PRIVATE_THING',
  'NOTE',
  'OAUTH_CLIENT',
  'PASSWORD_SALT',
  'PG_CONNINFO',
  'SENTRY_DSN',
  'SESSION_COOKIE_NAME',
  'SESSION_SAMPLE',
  'SMTP_PASS',
  'TLS_BUNDLE',
  'UPSTREAM',
  'WEBHOOK_AUTHORIZATION',
];

async function shop() {
  const w = await secretWorld('secrets-in-views');
  const seeded = w.t.seed('shop', LIVE);
  w.secret(...DESIRED, ...Object.entries(LIVE).flatMap(([key, value]) => (key === 'MODE' || key === 'NOTE' ? [] : [value])));
  // Cloud's own admin secret, which prune leaves alone.
  w.secret(w.t.emulator.store.getEnv(seeded.tenantId).env.HASURA_GRAPHQL_ADMIN_SECRET!);
  return { ...w, tenantId: seeded.tenantId };
}

describe('secrets in views', () => {
  it('hides both sides of a change from a live value that looks secret to a plain one, in every view and file', async () => {
    const w = await shop();
    const { plan, results } = await w.everyView(['--project', 'shop']);
    const env = entries(plan, 'shop');
    for (const key of ['DB_URL', 'CALLBACK', 'CONFIG', 'BUILD', 'TOGGLE'])
      expect(env[key], key).toEqual({ key, action: 'change', sensitive: true });
    expect(env.MODE).toEqual({ key: 'MODE', action: 'change', sensitive: false, before: 'off', after: 'on' });
    expect(results['plan text']!.stdout).toMatch(/~ CALLBACK +\(sensitive value changed\)\n/);
    expect(results['plan text']!.stdout).toMatch(/~ MODE +"off" -> "on"\n/);
    expect(results['plan markdown']!.stdout).toMatch(/! DB_URL +\(sensitive value changed\)\n/);
    expect(results['drift text']!.stdout).toMatch(/~ CONFIG +\(sensitive value changed\)\n/);
  });

  it('hides a key declared sensitive in defaults or in another project, where one sets it plainly and where one removes it', async () => {
    const w = await shop();
    // Only shop is planned: other, which declares LEGACY_FLAG sensitive, is not even selected.
    const { plan, results } = await w.everyView(['--project', 'shop']);
    const env = entries(plan, 'shop');
    expect(env.TOGGLE).toEqual({ key: 'TOGGLE', action: 'change', sensitive: true });
    expect(env.LEGACY_FLAG).toEqual({ key: 'LEGACY_FLAG', action: 'remove', sensitive: true });
    expect(results['show text']!.stdout).toMatch(/- LEGACY_FLAG +\(sensitive value\)\n/);
  });

  it('hides every live value prune removes whose name or shape looks secret, and shows the plain one', async () => {
    const w = await shop();
    const { plan } = await w.everyView(['--project', 'shop']);
    const removed = Object.values(entries(plan, 'shop')).filter((e) => e.action === 'remove' && e.key !== 'LEGACY_FLAG');
    expect(removed.map((e) => e.key)).toEqual(PRUNED);
    for (const e of removed)
      expect(e, e.key).toEqual(
        e.key === 'NOTE' ? { ...e, sensitive: false, before: 'plain note' } : { key: e.key, action: 'remove', sensitive: true },
      );
  });

  it('applies the plain values it hid, from a saved plan and from a fresh one, and no report shows a value', async () => {
    const w = await shop();
    expect((await w.hcr(['plan', '--project', 'shop', '--out', 'reviewed.hcrplan'])).code).toBe(0);
    const saved = await w.hcr(['apply', 'reviewed.hcrplan']);
    expect(saved.code, saved.stderr).toBe(0);
    expect(saved.stdout).toContain('✓ shop: applied (6 set, 15 removed)');
    const applied = w.t.emulator.store.getEnv(w.tenantId).env;
    expect(applied).toMatchObject({
      TOGGLE: 'plain-toggle-canary-0b2e',
      DB_URL: 'postgres://db.example.com/plain-db-canary-7d41',
      CONFIG: '{"mode":"plain-config-canary-c6a8"}',
      MODE: 'on',
    });
    expect(applied).not.toHaveProperty('LEGACY_FLAG');

    w.t.emulator.store.setEnv(w.tenantId, LIVE);
    const fresh = await w.hcr(['apply', '--project', 'shop', '--auto-approve', '--format', 'json']);
    expect(fresh.code, fresh.stderr).toBe(0);
    expect(JSON.parse(fresh.stdout).projects[0]).toMatchObject({ name: 'shop', outcome: 'applied' });
    expect((await w.hcr(['drift', '--project', 'shop'])).stdout).toContain('No drift.');
  });
});
