import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { GraphQLClient } from 'graphql-request';
import { describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { runCli } from '../helpers/cli.js';
import { spawnEmulatorProcess } from '../helpers/emulator.js';

const LISTENING = /^listening on (http:\/\/127\.0\.0\.1:(\d+)\/v1\/graphql)$/m;

/** `hcr emulator` in-process, until `stop` sends it a signal (emitted, so only its own handler sees it). */
async function emulatorInProcess(args: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const io = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    stdin: new PassThrough(),
  };
  const exit = main(['emulator', '--port', '0', ...args], { io, env });
  const failed = exit.then((code) => {
    throw new Error(`hcr emulator exited with ${code}: ${stderr}`);
  });
  const url = await Promise.race([vi.waitFor(() => LISTENING.exec(stdout)?.[1] ?? Promise.reject(new Error('not listening yet'))), failed]);
  const works = (token: string) =>
    new GraphQLClient(url, { headers: { authorization: `pat ${token}` } }).request('{ projects { id } }').then(
      () => true,
      () => false,
    );
  return {
    stdout: () => stdout,
    stderr: () => stderr,
    works,
    stop: async (signal: NodeJS.Signals) => {
      await vi.waitFor(() => expect(process.listenerCount(signal)).toBeGreaterThan(0));
      process.emit(signal);
      return exit;
    },
  };
}

describe('hcr emulator', () => {
  it('prints where it listens, serves, and stops cleanly on a real SIGTERM', async () => {
    const emulator = await spawnEmulatorProcess([], { HASURA_CLOUD_ACCESS_TOKEN: 'from-env' });
    expect(emulator.stdout()).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+\/v1\/graphql\n$/);
    expect(Number(LISTENING.exec(emulator.stdout())?.[2])).toBeGreaterThan(0);

    const client = new GraphQLClient(emulator.url, { headers: { authorization: 'pat from-env' } });
    await expect(client.request('{ projects { id } }')).resolves.toEqual({ projects: [] });

    emulator.child.kill('SIGTERM');
    expect(await emulator.exited).toBe(0);
    expect(emulator.stderr()).toContain('emulator stopped');
  });

  it('accepts the token in HASURA_CLOUD_ACCESS_TOKEN and never prints it', async () => {
    const cli = await emulatorInProcess([], { HASURA_CLOUD_ACCESS_TOKEN: 'from-env' });
    expect(await cli.works('from-env')).toBe(true);
    expect(await cli.works('other')).toBe(false);
    expect(await cli.stop('SIGINT')).toBe(0);
    expect(cli.stdout() + cli.stderr()).not.toContain('from-env');
  });

  it('accepts only the --token ones when given, over the environment', async () => {
    const cli = await emulatorInProcess(['--token', 'one', '--token', 'two'], { HASURA_CLOUD_ACCESS_TOKEN: 'from-env' });
    expect([await cli.works('one'), await cli.works('two'), await cli.works('from-env')]).toEqual([true, true, false]);
    expect(cli.stdout()).not.toMatch(/token:/);
    expect(await cli.stop('SIGTERM')).toBe(0);
  });

  it('generates a token and prints it, with a hint, when there is none', async () => {
    const cli = await emulatorInProcess([]);
    const token = /^token: (\S+)$/m.exec(cli.stdout())?.[1] ?? '';
    expect(token).toMatch(/^\S{16,}$/);
    expect(await cli.works(token)).toBe(true);
    expect(cli.stderr()).toMatch(new RegExp(`export HASURA_CLOUD_ENDPOINT=http://\\S+ HASURA_CLOUD_ACCESS_TOKEN=${token}`));
    expect(await cli.stop('SIGTERM')).toBe(0);
  });

  it('finishes preview jobs after --preview-job-delay', async () => {
    const cli = await emulatorInProcess(['--token', 't', '--preview-job-delay', '250']);
    const client = new GraphQLClient(/^listening on (\S+)$/m.exec(cli.stdout())![1]!, { headers: { authorization: 'pat t' } });
    // The job's timer runs on a fake clock, so that its delay is measured without a real one.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const { createGitHubPreviewApp } = await client.request<{ createGitHubPreviewApp: { githubPreviewAppJobID: string } }>(
        `mutation { createGitHubPreviewApp(payload: {
          githubPersonalAccessToken: "ghp_x", githubRepoDetails: { owner: "acme", repo: "shop", branch: "main", directory: "hasura" },
          projectOptions: { cloud: "aws", region: "us-east-2", plan: "cloud_free", name: "pr-1" } }) { githubPreviewAppJobID } }`,
      );
      const status = async () =>
        (
          await client.request<{ jobs_by_pk: { status: string } }>('query ($id: uuid!) { jobs_by_pk(id: $id) { status } }', {
            id: createGitHubPreviewApp.githubPreviewAppJobID,
          })
        ).jobs_by_pk.status;
      expect(await status()).toBe('running');
      vi.advanceTimersByTime(249);
      expect(await status()).toBe('running');
      vi.advanceTimersByTime(1);
      expect(await status()).toBe('success');
    } finally {
      vi.useRealTimers();
    }
    expect(await cli.stop('SIGTERM')).toBe(0);
  });

  it('with --create-ignores-name, gives a created project a random name instead of the one asked for', async () => {
    const cli = await emulatorInProcess(['--token', 'one', '--create-ignores-name']);
    const url = /^listening on (\S+)$/m.exec(cli.stdout())![1]!;
    const client = new GraphQLClient(url, { headers: { authorization: 'pat one' } });
    const created = await client.request<{ createTenant: { name: string } }>(
      'mutation { createTenant(cloud: "aws", region: "us-east-2", name: "asked-for") { name } }',
    );
    expect(created.createTenant.name).toMatch(/^project-/);
    expect(await cli.stop('SIGTERM')).toBe(0);
  });

  it('with --quirks, reproduces each quirk named', async () => {
    const cli = await emulatorInProcess(['--token', 'one', '--quirks', 'status-fields,create-envs-fail=cloud_free']);
    const url = /^listening on (\S+)$/m.exec(cli.stdout())![1]!;
    const client = new GraphQLClient(url, { headers: { authorization: 'pat one' } });
    await expect(client.request('{ tenant { health_status status { has_inconsistent_metadata } } }')).resolves.toEqual({ tenant: [] });
    await expect(
      client.request('mutation { createTenant(cloud: "aws", region: "us-east-2", envs: [{ key: "K", value: "v" }]) { name } }'),
    ).rejects.toThrow(/there was an internal error while serving your request/);
    expect(await cli.stop('SIGTERM')).toBe(0);
    expect(cli.stderr()).toContain("reproducing Hasura Cloud's quirks: create-envs-fail=cloud_free, status-fields");
  });

  it('with --error-rate 1 fails every request; with --lost-answer-rate 1 every mutation lands unanswered', async () => {
    const failing = await emulatorInProcess(['--token', 'one', '--error-rate', '1']);
    for (let i = 0; i < 5; i++) expect(await failing.works('one')).toBe(false);
    expect(await failing.stop('SIGTERM')).toBe(0);

    const losing = await emulatorInProcess(['--token', 'one', '--lost-answer-rate', '1']);
    const client = new GraphQLClient(/^listening on (\S+)$/m.exec(losing.stdout())![1]!, { headers: { authorization: 'pat one' } });
    await expect(client.request('mutation { createTenant(cloud: "aws", region: "us-east-2", name: "landed") { name } }')).rejects.toThrow(
      /fetch failed|socket|closed/i,
    );
    await expect(client.request('{ projects { name } }')).resolves.toEqual({ projects: [{ name: 'landed' }] });
    expect(await losing.stop('SIGTERM')).toBe(0);
  });

  it.each([
    [['--error-rate', '2'], /error rate must be a number from 0 to 1, got 2/],
    [['--lost-answer-rate', '-1'], /lost-answer rate must be a number from 0 to 1/],
    [['--latency', '-5'], /latency must be a number of milliseconds/],
    [['--port', '70000'], /port must be an integer from 0 to 65535, got 70000/],
    [['--port', 'many'], /port must be an integer/],
    [['--preview-job-delay', '-1'], /preview job delay must be a whole number of milliseconds, 0 or more, got -1/],
  ])('refuses %j with a clear error and exit 1', async (args, message) => {
    const r = await runCli(['emulator', ...args]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toContain('Internal error');
    expect(r.stdout).toBe('');
  });

  it('refuses a corrupt data file with a clear error and exit 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hcr-emulator-cli-'));
    try {
      writeFileSync(join(dir, 'state.json'), 'not json');
      const r = await runCli(['emulator', '--port', '0', '--data', 'state.json'], { cwd: dir });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/the emulator data file .*state\.json is unusable/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
