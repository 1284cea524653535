import { describe, expect, it } from 'vitest';
import { post, sent, testClient, useMockService } from './helpers.js';

useMockService();

describe('a read-only client (what hcr drift runs with)', () => {
  it('refuses every mutation before sending anything', async () => {
    const { client } = testClient({ readOnly: true });
    await expect(client.updateTenantEnv('t', 'h', { A: '1' })).rejects.toThrow(
      /updateTenantEnv is a mutation, and this client is read-only/,
    );
    await expect(client.deleteTenantEnv('t', 'h', ['A'])).rejects.toThrow(/read-only/);
    await expect(client.createTenant({ cloud: 'aws', region: 'us-east-2', envs: {} })).rejects.toThrow(/read-only/);
    await expect(client.deleteTenant('t')).rejects.toThrow(/read-only/);
    expect(sent).toEqual([]);
  });

  it('still reads', async () => {
    post().reply(200, { data: { getTenantEnv: { hash: 'a'.repeat(40), envVars: { environment: { A: '1' } } } } });
    const { client } = testClient({ readOnly: true });
    expect(await client.getTenantEnv('7a79cf94-0e53-4520-a560-1b02bf522f08')).toEqual({ hash: 'a'.repeat(40), env: { A: '1' } });
  });
});
