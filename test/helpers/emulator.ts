import { GraphQLClient } from 'graphql-request';
import { startEmulator, type CreateProjectInput, type CreatedProject, type Emulator, type EmulatorOptions } from '../../src/emulator/index.js';

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
