import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { startTestEmulator, type TestEmulator } from './helpers/emulator.js';

/**
 * README: "Every command has --help". Each command of README's table, and the options README
 * names for it: the help must list them, and running it must do nothing else.
 */
const COMMANDS: [string[], string[]][] = [
  [['validate'], ['--file', '--format', '--project', '--shard']],
  [
    ['plan'],
    [
      '--format',
      '--out',
      '--detailed-exitcode',
      '--allow-destroy',
      '--status',
      '--project',
      '--shard',
      '--concurrency',
      '--batch-size',
      '--timeout',
      '--retries',
    ],
  ],
  [
    ['apply'],
    ['--auto-approve', '--refresh-on-conflict', '--allow-destroy', '--format', '--project', '--shard', '--concurrency', '--batch-size'],
  ],
  [['drift'], ['--format', '--status', '--github-issue', '--gitlab-issue', '--project', '--shard', '--concurrency', '--batch-size']],
  [['show'], ['--format']],
  [['import'], ['--project', '--out', '--force', '--sensitive-keys', '--batch-size']],
  [['preview'], ['create', 'delete']],
  [
    ['preview', 'create'],
    ['--name', '--repo', '--branch', '--directory', '--env', '--env-file', '--poll-interval', '--timeout'],
  ],
  [
    ['preview', 'delete'],
    ['--name', '--if-exists', '--yes', '--file'],
  ],
  [
    ['github', 'comment'],
    ['--body-file', '--pr', '--behavior', '--marker-id'],
  ],
  [
    ['gitlab', 'comment'],
    ['--body-file', '--mr', '--behavior', '--marker-id'],
  ],
  [['emulator'], ['--port', '--data', '--quirks', '--latency', '--error-rate', '--lost-answer-rate', '--preview-job-delay']],
  [['schema'], []],
  [['demo'], []],
];

let t: TestEmulator;
beforeAll(async () => {
  t = await startTestEmulator();
});
afterAll(() => t.close());

describe('--help', () => {
  it.each(COMMANDS)('hcr %j --help shows its usage and options, and does nothing else', async (command, options) => {
    t.emulator.requests.length = 0;
    for (const help of ['--help', '-h']) {
      const r = await runCli([...command, help], { env: { ...t.env, GITHUB_TOKEN: 'ghp_help', GITLAB_TOKEN: 'glpat-help' } });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout.split('\n')[0]).toMatch(new RegExp(`^hcr ${command.join(' ')}\\b`));
      for (const option of [...options, '--endpoint', '--help']) expect(r.stdout, option).toContain(option);
      expect(r.stdout).not.toMatch(/^listening on /m);
    }
    expect(t.emulator.requests).toEqual([]);
  });

  it('lists every command at the top level', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    const listed = [...r.stdout.matchAll(/^ {2}hcr (\w+)/gm)].map((m) => m[1]);
    expect(listed.sort()).toEqual([...new Set(COMMANDS.map(([command]) => command[0]!))].sort());
  });

  it('hcr emulator --help says how to make a preview build fail, and lists every quirk', async () => {
    const r = await runCli(['emulator', '--help']);
    const text = r.stdout.replace(/\s+/g, ' ');
    expect(text).toContain('every branch and directory in it except those whose name starts with "missing" (a job for one fails');
    for (const quirk of ['create-renames', 'create-envs-fail=PLAN', 'preview-drops-env', 'status-fields'])
      expect(r.stdout).toContain(quirk);
  });
});
