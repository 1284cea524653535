import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { FIXTURES } from './setup.js';

/** A loopback endpoint nothing listens on: a port the system gave a server that is closed again. */
async function closedEndpoint(): Promise<string> {
  const server = createServer();
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const { port } = server.address() as { port: number };
  await new Promise((closed) => server.close(closed));
  return `http://127.0.0.1:${port}/v1/graphql`;
}

const env = { HASURA_CLOUD_ACCESS_TOKEN: 'unreachable-token-canary', SHOP_PROD_ADMIN_SECRET: 'admin-canary' };

// README, exit codes: 1 on an error, network included.
describe('against an endpoint nothing answers', () => {
  it.each([
    ['plan', '-f', 'shop.yaml'],
    ['apply', '-f', 'shop.yaml', '--auto-approve'],
    ['drift', '-f', 'shop.yaml'],
    ['import', '--project', 'shop-prod'],
  ])('%s exits 1, saying the connection was refused', async (...command) => {
    const endpoint = await closedEndpoint();
    const r = await runCli([...command, '--endpoint', endpoint, '--retries', '0'], { cwd: FIXTURES, env });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/failed: request to 127\.0\.0\.1:\d+ failed: connection refused \(ECONNREFUSED\)/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stderr).not.toContain(env.HASURA_CLOUD_ACCESS_TOKEN);
  });

  it('tries a read 5 times by default (4 retries) before it gives up', async () => {
    const r = await runCli(['plan', '-f', 'shop.yaml', '--endpoint', await closedEndpoint(), '--verbose'], { cwd: FIXTURES, env });
    expect(r.code).toBe(1);
    expect([...r.stderr.matchAll(/failed \(network, attempt (\d)\/(\d)\)/g)].map((m) => `${m[1]}/${m[2]}`)).toEqual([
      '1/5',
      '2/5',
      '3/5',
      '4/5',
      '5/5',
    ]);
  });
});
