import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The desired-state examples users copy (examples/*.yaml). */
export const EXAMPLES = readdirSync(new URL('examples/', `file://${ROOT}`)).filter((f) => f.endsWith('.yaml'));

/** The variables the examples read with fromEnv. */
export const EXAMPLE_ENV = {
  PAYMENTS_PROD_ADMIN_SECRET: 'admin-secret',
  PAYMENTS_PROD_JWT_SECRET: '{"type":"HS256","key":"0123456789abcdef0123456789abcdef"}',
  PAYMENTS_PROD_STRIPE_WEBHOOK_SECRET: 'whsec_example',
  PAYMENTS_PROD_DATABASE_URL: 'postgres://payments:pw@db.example.com/payments',
  PAYMENTS_PROD_ACTIONS_URL: 'https://actions.payments.example.com',
};
