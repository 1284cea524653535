import { describe, expect, it } from 'vitest';
import { CloudError } from '../../src/cloud/errors.js';
import { post, sent, testClient, useMockService } from './helpers.js';

useMockService();

const ids = (n: number) => Array.from({ length: n }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);

describe('getTenantStatuses', () => {
  it('reads the undocumented fields leniently: missing or null is null, a health that is not text is shown as JSON', async () => {
    post().reply(200, {
      data: {
        tenant: [
          { id: 't1', active: true, health_status: 'OK', status: { is_active: true, has_inconsistent_metadata: true, message: 'broken' } },
          { id: 't2', health_status: { level: 'warn' }, status: null },
          { id: 't3', active: null, status: {} },
        ],
      },
    });
    expect(await testClient().client.getTenantStatuses(['t1', 't2', 't3'])).toEqual([
      { tenantId: 't1', active: true, health: 'OK', isActive: true, inconsistentMetadata: true, message: 'broken' },
      { tenantId: 't2', active: null, health: '{"level":"warn"}', isActive: null, inconsistentMetadata: null, message: null },
      { tenantId: 't3', active: null, health: null, isActive: null, inconsistentMetadata: null, message: null },
    ]);
    expect(sent[0]?.operationName).toBe('getTenantStatuses');
  });

  it('fails with a CloudError on an answer of the wrong shape, for the caller to set aside', async () => {
    post().reply(200, { data: { tenant: [{ id: 't1', active: 'yes' }] } });
    await expect(testClient().client.getTenantStatuses(['t1'])).rejects.toThrow(CloudError);
  });

  it('asks for at most 500 tenants in one request', async () => {
    post()
      .times(2)
      .reply(200, { data: { tenant: [] } });
    await testClient().client.getTenantStatuses(ids(501));
    expect(sent.map((r) => (r.variables.ids as string[]).length)).toEqual([500, 1]);
  });
});
