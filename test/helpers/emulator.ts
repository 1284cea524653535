import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { GraphQLClient } from 'graphql-request';
import {
  startEmulator,
  type CreateProjectInput,
  type CreatedProject,
  type Emulator,
  type EmulatorOptions,
} from '../../src/emulator/index.js';

export interface TestEmulatorOptions extends Omit<EmulatorOptions, 'host' | 'port'> {
  /** Projects to create before the first request: name → env (Cloud adds its admin secret). */
  projects?: Record<string, Record<string, string>>;
}

export interface TestEmulator {
  emulator: Emulator;
  /** The environment `runCli` needs to talk to this emulator. */
  env: { HASURA_CLOUD_ENDPOINT: string; HASURA_CLOUD_ACCESS_TOKEN: string };
  token: string;
  /** A graphql-request client sending `Authorization: pat <token>` (this emulator's by default). */
  client(token?: string): GraphQLClient;
  seed(name: string, env?: Record<string, string>, options?: Omit<CreateProjectInput, 'name' | 'env'>): CreatedProject;
  /** Safe to call more than once; pass it straight to afterEach/afterAll. */
  close: () => Promise<void>;
}

/** A fresh emulator on 127.0.0.1, any free port, with quick preview jobs. */
export async function startTestEmulator(options: TestEmulatorOptions = {}): Promise<TestEmulator> {
  const { projects, ...emulatorOptions } = options;
  const emulator = await startEmulator({ previewJobDelayMs: 20, ...emulatorOptions, host: '127.0.0.1', port: 0 });
  const [token = ''] = emulator.tokens;
  const seed: TestEmulator['seed'] = (name, env = {}, more = {}) => emulator.store.createProject({ ...more, name, env });
  for (const [name, env] of Object.entries(projects ?? {})) seed(name, env);
  return {
    emulator,
    env: { HASURA_CLOUD_ENDPOINT: emulator.url, HASURA_CLOUD_ACCESS_TOKEN: token },
    token,
    client: (as = token) => new GraphQLClient(emulator.url, { headers: { authorization: `pat ${as}` } }),
    seed,
    close: () => emulator.close(),
  };
}

export interface EmulatorProcess {
  child: ChildProcessWithoutNullStreams;
  url: string;
  /** Everything printed so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or the signal's name) once the process has ended. */
  exited: Promise<number | NodeJS.Signals>;
}

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** hcr run from src, as a process of its own. */
const HCR_FROM_SOURCE = [process.execPath, '--import', 'tsx', 'src/cli/bin.ts'];

/**
 * Runs `hcr emulator --port 0 ...args` as a real process and waits for its `listening on` line;
 * `hcr` is the command line that runs hcr (from src by default; an installed package's bin).
 */
export async function spawnEmulatorProcess(
  args: string[] = [],
  env: Record<string, string> = {},
  hcr: string[] = HCR_FROM_SOURCE,
): Promise<EmulatorProcess> {
  const [command, ...prefix] = hcr;
  const child = spawn(command!, [...prefix, 'emulator', '--port', '0', ...args], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
  const exited = new Promise<number | NodeJS.Signals>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal ?? 'SIGKILL')),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const check = (): void => {
      const m = /^listening on (\S+)$/m.exec(out);
      if (m?.[1]) resolve(m[1]);
    };
    child.stdout.on('data', check);
    void exited.then((code) => reject(new Error(`hcr emulator exited (${code}) before listening:\n${err}`)));
  });
  return { child, url, stdout: () => out, stderr: () => err, exited };
}
