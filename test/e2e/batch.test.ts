import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { reliabilityWorld, scriptedWorld, type ReliabilityWorld, type Step } from '../reliability/harness.js';

const name = (i: number) => `fleet-${String(i).padStart(2, '0')}`;

/** `count` projects in fleet.yaml: half with FEATURE drifted, each with OLD to remove and KEPT left unmanaged. */
function fleet(w: ReliabilityWorld, count: number): string[] {
  const names = Array.from({ length: count }, (_, i) => name(i));
  const desired = Object.fromEntries(names.map((n, i) => [n, { remove: ['OLD'], env: { FEATURE: 'v2', INDEX: String(i) } }]));
  for (const [i, n] of names.entries()) w.t.seed(n, { FEATURE: i % 2 === 0 ? 'v1' : 'v2', INDEX: String(i), OLD: 'x', KEPT: `kept-${i}` });
  w.writeDesired('fleet.yaml', desired);
  return names;
}

const tenantOf = (w: ReliabilityWorld, project: string) => w.store.findProjectByName(project)!.tenantId;

/** The requests hcr sent: operation name and how many root fields (reads) each carried. */
const sentOps = (w: ReliabilityWorld) => w.emulator.requests.map((r) => `${r.operationName}×${r.fields.length}`);

/** The first request that reads one tenant's env is refused as if the tenant were gone; later ones are served. */
function failOnce(w: ReliabilityWorld, tenantId: string): void {
  let failed = false;
  w.emulator.onRequest(({ tenantIds }) => {
    if (failed || !tenantIds.includes(tenantId)) return undefined;
    failed = true;
    return { refuse: 'not-found' };
  });
}

interface Answer {
  data?: Record<string, unknown> | null;
  errors?: unknown[];
}

/** A service in front of the emulator that passes every request on, and rewrites its answers to batched reads. */
async function inFront(upstream: string, rewrite: (answer: Answer) => Answer): Promise<string> {
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    req.on('end', async () => {
      const answer = await fetch(upstream, {
        method: 'POST',
        headers: { authorization: req.headers.authorization ?? '', 'content-type': 'application/json' },
        body,
      });
      const json = (await answer.json()) as Answer;
      const batched = (JSON.parse(body) as { operationName: string }).operationName === 'getTenantEnvs';
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(batched ? rewrite(json) : json));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/graphql`;
}

/** graphql-js's way with a failed root field (Hasura refuses the whole request): `t1` nulled and reported in `errors`. */
const partial = (answer: Answer): Answer => ({
  data: { ...answer.data, t1: null },
  errors: [{ message: 'there was an internal error while serving your request', path: ['t1'], extensions: { code: 'GenericServerError' } }],
});

/** What Hasura answers a token without access to getTenantEnv. */
const refused = (): Answer => ({
  errors: [
    {
      message: `field "getTenantEnv" not found in type: 'query_root'`,
      extensions: { path: '$.selectionSet.t0', code: 'validation-failed' },
    },
  ],
});

describe('batched reads', () => {
  it.each([
    [1, 7, ['findProjectsByName×1', ...Array(7).fill('getTenantEnv×1')]],
    [3, 7, ['findProjectsByName×1', 'getTenantEnvs×3', 'getTenantEnvs×3', 'getTenantEnv×1']],
    [7, 7, ['findProjectsByName×1', 'getTenantEnvs×7']],
    [25, 30, ['findProjectsByName×1', 'getTenantEnvs×25', 'getTenantEnvs×5']],
  ])('--batch-size %i, %i projects: one lookup and ceil(P/B) reads', async (batchSize, count, expected) => {
    const w = await reliabilityWorld();
    fleet(w, count);
    const r = await w.hcr(['plan', '-f', 'fleet.yaml', '--batch-size', String(batchSize), '--concurrency', '1']);
    expect(r.code, r.stderr).toBe(0);
    expect(sentOps(w)).toEqual(expected);
  });

  it('batches 25 reads to a request by default', async () => {
    const w = await reliabilityWorld();
    fleet(w, 26);
    expect((await w.hcr(['plan', '-f', 'fleet.yaml'])).code).toBe(0);
    expect(sentOps(w).sort()).toEqual(['findProjectsByName×1', 'getTenantEnv×1', 'getTenantEnvs×25'].sort());
  });

  it('makes the same plan, in every view, whatever the batch size', async () => {
    const w = await reliabilityWorld();
    fleet(w, 12);
    for (const format of ['text', 'json', 'markdown']) {
      const outputs = new Set<string>();
      for (const batchSize of ['1', '5', '12', '100']) {
        const r = await w.hcr(['plan', '-f', 'fleet.yaml', '--format', format, '--batch-size', batchSize]);
        expect(r.code, r.stderr).toBe(0);
        outputs.add(r.stdout);
      }
      expect(outputs.size, format).toBe(1);
      expect([...outputs][0]).toContain('fleet-11');
    }
  });

  it('reads alone every project of a batch the service refused as a whole, and plans them all', async () => {
    const w = await reliabilityWorld();
    const names = fleet(w, 7);
    failOnce(w, tenantOf(w, name(4)));
    const r = await w.hcr(['plan', '-f', 'fleet.yaml', '--batch-size', '3', '--concurrency', '1', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { projects: { name: string }[] }).projects.map((p) => p.name)).toEqual(names);
    expect(sentOps(w)).toEqual([
      'findProjectsByName×1',
      'getTenantEnvs×3',
      'getTenantEnvs×3',
      'getTenantEnv×1',
      'getTenantEnv×1',
      'getTenantEnv×1',
      'getTenantEnv×1',
    ]);
    expect(w.emulator.requests[2]!.errorCode).toBe('not-exists');
  });

  it('keeps the reads of a partial answer and reads the failed one alone', async () => {
    const w = await reliabilityWorld();
    fleet(w, 6);
    const expected = await w.hcr(['plan', '-f', 'fleet.yaml', '--batch-size', '1']);
    w.emulator.requests.length = 0;
    const endpoint = await inFront(w.emulator.url, partial);
    const r = await w.hcr(['plan', '-f', 'fleet.yaml', '--batch-size', '3', '--concurrency', '1', '--verbose'], {
      env: { HASURA_CLOUD_ENDPOINT: endpoint },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(expected.stdout);
    expect(sentOps(w)).toEqual(['findProjectsByName×1', 'getTenantEnvs×3', 'getTenantEnv×1', 'getTenantEnvs×3', 'getTenantEnv×1']);
    expect(r.stderr).toMatch(/^\[hcr\] POST getTenantEnvs \(3 tenants\) \d+ms, some of its reads failed: sending those alone$/m);
  });

  it('fails for a project deleted between the lookup and the read, naming only it', async () => {
    const script: Record<string, Step[]> = {};
    const w = await scriptedWorld(script);
    fleet(w, 5);
    script.getTenantEnvs = [{ step: 'ok', before: () => w.store.deleteTenant(tenantOf(w, name(1))) }];
    const r = await w.hcr(['plan', '-f', 'fleet.yaml', '--batch-size', '3', '--concurrency', '1']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^Error: could not read the live env of 1 project:\n {2}fleet-01: getTenantEnv failed: .*not found.*\n$/);
    // The batch's other projects were read alone, the next batch as one.
    expect(sentOps(w)).toEqual([
      'findProjectsByName×1',
      'getTenantEnvs×3',
      'getTenantEnv×1',
      'getTenantEnv×1',
      'getTenantEnv×1',
      'getTenantEnvs×2',
    ]);
  });

  it('retries a batch that failed on the way, as one request', async () => {
    const w = await scriptedWorld({ getTenantEnvs: ['http-503', 'dropped'] });
    fleet(w, 4);
    const r = await w.hcr(['plan', '-f', 'fleet.yaml', '--batch-size', '4']);
    expect(r.code, r.stderr).toBe(0);
    expect(sentOps(w)).toEqual(['findProjectsByName×1', 'getTenantEnvs×4', 'getTenantEnvs×4', 'getTenantEnvs×4']);
  });

  it('fails at once when the token is refused for a batch, reading nothing alone', async () => {
    const w = await reliabilityWorld();
    fleet(w, 4);
    const endpoint = await inFront(w.emulator.url, refused);
    const r = await w.hcr(['plan', '-f', 'fleet.yaml', '--batch-size', '4'], { env: { HASURA_CLOUD_ENDPOINT: endpoint } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Error: getTenantEnvs failed: the access token was refused or lacks access to getTenantEnvs');
    expect(sentOps(w)).toEqual(['findProjectsByName×1', 'getTenantEnvs×4']);
  });

  it('--verbose says how many tenants each batch carried, never which', async () => {
    const w = await reliabilityWorld();
    const names = fleet(w, 5);
    const r = await w.hcr(['plan', '-f', 'fleet.yaml', '--batch-size', '3', '--concurrency', '1', '--verbose']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.match(/^\[hcr\] POST getTenantEnvs.*$/gm)).toEqual([
      expect.stringMatching(/^\[hcr\] POST getTenantEnvs \(3 tenants\) \d+ms$/),
      expect.stringMatching(/^\[hcr\] POST getTenantEnvs \(2 tenants\) \d+ms$/),
    ]);
    for (const n of names) expect(r.stderr).not.toContain(tenantOf(w, n));
  });
});

describe('--batch-size', () => {
  it.each(['0', '-1', '2.5', '101', 'many'])('refuses %s, before any request', async (value) => {
    const w = await reliabilityWorld();
    fleet(w, 2);
    const r = await w.hcr(['plan', '-f', 'fleet.yaml', '--batch-size', value]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `Error: --batch-size must be a whole number from 1 to 100, not ${value === 'many' ? 'NaN' : value}\nRun \`hcr plan --help\` for usage.\n`,
    );
    expect(w.emulator.requests).toEqual([]);
  });

  it.each([
    ['drift', ['drift', '-f', 'fleet.yaml']],
    ['apply', ['apply', '-f', 'fleet.yaml', '--auto-approve']],
    ['apply of a saved plan', ['apply', 'saved.hcrplan']],
    ['import', ['import', '--project', 'fleet-*']],
  ])('is checked by %s too', async (_command, args) => {
    const w = await reliabilityWorld();
    fleet(w, 2);
    w.writeInput('saved.hcrplan', '{}');
    const r = await w.hcr([...args, '--batch-size', '0']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`Error: --batch-size must be a whole number from 1 to 100, not 0\nRun \`hcr ${args[0]} --help\` for usage.\n`);
    expect(w.emulator.requests).toEqual([]);
  });

  it('import reads in batches too', async () => {
    const w = await reliabilityWorld();
    fleet(w, 5);
    const r = await w.hcr(['import', '--project', 'fleet-*', '--batch-size', '2']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('fleet-04');
    expect(sentOps(w).sort()).toEqual(['listProjects×1', 'getTenantEnvs×2', 'getTenantEnvs×2', 'getTenantEnv×1'].sort());
  });
});
