import { chmodSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, onTestFinished } from 'vitest';
import { stringify } from 'yaml';
import type { Emulator, EmulatorWriteEvent, Fault, FaultHook, RequestRecord, Store } from '../../src/emulator/index.js';
import { runCli, type CliOptions, type CliResult } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator, type TestEmulatorOptions } from '../helpers/emulator.js';

export const FIXTURES = new URL('../fixtures/reliability/', import.meta.url).pathname;

/** mulberry32: a seeded source of randomness, so that a test injects the same random faults every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * What happens to the nth request of an operation: a fault, or `ok`; optionally after an edit
 * made just before the request is served (someone else's write, between two of hcr's requests).
 */
export type Step = Fault | 'ok' | { step: Fault | 'ok'; before: () => void };

/**
 * A fault hook that follows a script by operation name: `{ updateTenantEnv: ['lost-answer', 'ok'] }`
 * makes the first updateTenantEnv lose its answer and lets the second through; unlisted requests
 * pass. Steps are taken as requests arrive, so a test may add to the script once it has what a
 * step needs (a tenant id to edit).
 */
export function scriptedFaults(script: Record<string, Step[]>): FaultHook {
  return ({ operationName }) => {
    let step = script[operationName ?? '']?.shift() ?? 'ok';
    if (typeof step === 'object' && 'before' in step) {
      step.before();
      step = step.step;
    }
    return step === 'ok' ? undefined : step;
  };
}

const faultName = (fault: Fault): string => (typeof fault === 'string' ? fault : JSON.stringify(fault));

/** The faults the emulator injected, as `operation:fault`, in order. */
export const injected = (requests: readonly RequestRecord[]): string[] =>
  requests.flatMap((r) => (r.fault ? [`${r.operationName}:${faultName(r.fault)}`] : []));

/** One write the store decided, and who asked for it. */
export interface JournalEntry extends EmulatorWriteEvent {
  /** `hcr` for writes that came over HTTP, else the name given to `WriteJournal.as` (`direct` without one). */
  author: string;
}

/**
 * Every write the emulator's store decides, in the order it decides them (its methods are
 * synchronous, so this order is the truth), accepted or refused. Out-of-band writers edit through
 * `as`, so that their writes are named.
 */
export class WriteJournal {
  readonly entries: JournalEntry[] = [];
  #author: string | undefined;

  constructor(emulator: Emulator) {
    emulator.onWrite((event) => this.entries.push({ ...event, author: event.request ? 'hcr' : (this.#author ?? 'direct') }));
  }

  /** Runs an out-of-band edit, journaled under `author`. */
  as<T>(author: string, edit: () => T): T {
    const outer = this.#author;
    this.#author = author;
    try {
      return edit();
    } finally {
      this.#author = outer;
    }
  }

  accepted(filter: (e: JournalEntry) => boolean = () => true): JournalEntry[] {
    return this.entries.filter((e) => !e.refused && filter(e));
  }

  /** The writes hcr's requests made. */
  byHcr(): JournalEntry[] {
    return this.accepted((e) => e.author === 'hcr');
  }
}

/** A project as a desired-state file declares it (the subset these tests write). */
export interface DesiredProjectDoc {
  create?: { cloud: string; region: string; plan: string };
  prune?: boolean;
  ignore?: string[];
  remove?: string[];
  env: Record<string, string | { value: string; sensitive: boolean } | { fromEnv: string }>;
}

export interface ReliabilityWorld {
  t: TestEmulator;
  emulator: Emulator;
  store: Store;
  journal: WriteJournal;
  /** A fresh directory for this test, removed after it: hcr's working directory. */
  dir: string;
  /** Writes an input file into `dir`; returns its name. */
  writeInput(name: string, content: string, mode?: number): string;
  /** Writes a desired-state file into `dir` (every string quoted, as a careful author would). */
  writeDesired(name: string, projects: Record<string, DesiredProjectDoc>): string;
  /** Every file in `dir` that the test did not write as input: what hcr wrote. */
  outputs(): string[];
  /** Runs hcr in-process in `dir` against this emulator, with `env` added to its environment. */
  hcr(args: string[], more?: CliOptions): Promise<CliResult>;
}

/** An emulator, a journal of its writes and a working directory, all torn down after the test. */
export async function reliabilityWorld(options: TestEmulatorOptions & { env?: Record<string, string> } = {}): Promise<ReliabilityWorld> {
  const { env = {}, ...emulatorOptions } = options;
  const t = await startTestEmulator(emulatorOptions);
  const dir = mkdtempSync(join(tmpdir(), 'hcr-reliability-'));
  onTestFinished(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const inputs = new Set<string>();
  const writeInput = (name: string, content: string, mode = 0o644): string => {
    const path = join(dir, name);
    writeFileSync(path, content);
    chmodSync(path, mode); // exactly this mode, whatever the umask
    inputs.add(path);
    return name;
  };
  return {
    t,
    emulator: t.emulator,
    store: t.emulator.store,
    journal: new WriteJournal(t.emulator),
    dir,
    writeInput,
    writeDesired: (name, projects) =>
      writeInput(name, stringify({ version: 1, projects }, { defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN' })),
    outputs: () =>
      readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => join(entry.parentPath, entry.name))
        .filter((path) => !inputs.has(path)),
    hcr: (args, more = {}) => runCli(args, { cwd: dir, ...more, env: { ...t.env, ...env, ...more.env } }),
  };
}

/** A world whose emulator injects exactly the faults of `script` (see scriptedFaults). */
export async function scriptedWorld(
  script: Record<string, Step[]>,
  options: { env?: Record<string, string> } & Pick<TestEmulatorOptions, 'quirks'> = {},
) {
  const w = await reliabilityWorld(options);
  w.emulator.onRequest(scriptedFaults(script));
  return w;
}

/** The live env of the `solo` project before solo.yaml is applied. */
export const SOLO = { HASURA_GRAPHQL_ADMIN_SECRET: 'cloud-admin', FEATURE: 'v1', OLD_FLAG: 'old', KEEP: 'keep' };

/** One key of `plan --format json`. */
export interface PlannedKey {
  key: string;
  action: string;
  sensitive: boolean;
  before?: string;
  after?: string;
}

/**
 * The `solo` project (needing an update and a delete) on an emulator that injects exactly the
 * faults of `script`. Steps that edit the project meanwhile can be added once it exists.
 */
export async function soloWorld(script: Record<string, Step[]> = {}) {
  const w = await scriptedWorld(script);
  const { tenantId } = w.t.seed('solo', SOLO);
  const seededHash = w.store.getEnv(tenantId).hash;
  const apply = async (file = 'solo.yaml', ...more: string[]) => {
    const r = await w.hcr(['apply', '--auto-approve', '--format', 'json', '-f', `${FIXTURES}${file}`, ...more]);
    return { ...r, project: (JSON.parse(r.stdout) as ReportJson).projects[0]! };
  };
  const plan = async (): Promise<PlannedKey[]> => {
    const r = await w.hcr(['plan', '--format', 'json', '-f', `${FIXTURES}solo.yaml`]);
    expect(r.code, r.stderr).toBe(0);
    return (JSON.parse(r.stdout) as { projects: { env: PlannedKey[] }[] }).projects[0]!.env;
  };
  /** Someone else's edit through the console, based on what they just read. */
  const edit = (env: Record<string, string>) => () =>
    void w.journal.as('console', () => w.store.updateEnv(tenantId, w.store.getEnv(tenantId).hash, env));
  return {
    w,
    seededHash,
    apply,
    plan,
    edit,
    live: () => w.store.getEnv(tenantId).env,
    operations: () => w.emulator.requests.map((r) => r.operationName),
  };
}

/** `apply --format json`, as far as these tests read it. */
export interface ReportJson {
  projects: { name: string; outcome: string; set: string[]; removed: string[]; pending: string[]; reason?: string; hash?: string }[];
  summary: Record<string, number>;
}

/**
 * The per-project outcomes of a text report: one line per project apply touched (`✓ shop: applied
 * (2 set)`, `✗ shop: failed — …`, `? shop: unknown — …`), unchanged projects only counted in the
 * closing line, which is returned too.
 */
export function parseTextReport(stdout: string): { outcomes: Map<string, string>; counts: Record<string, number> } {
  const outcomes = new Map<string, string>();
  for (const [, name, outcome] of stdout.matchAll(/^[✓✗?] (\S+): (applied|created|conflict|failed|unknown)\b/gm))
    outcomes.set(name!, outcome!);
  const closing = /^Apply (?:complete|incomplete): (.*)\.$/m.exec(stdout)?.[1];
  if (closing === undefined) throw new Error(`no closing line in the report:\n${stdout}`);
  // The closing line names only the outcomes that happened (`2 applied, 1 deletion refused`); every other one counts 0.
  const counts: Record<string, number> = {
    applied: 0,
    created: 0,
    deleted: 0,
    unchanged: 0,
    refused: 0,
    conflict: 0,
    failed: 0,
    unknown: 0,
  };
  for (const [, n, outcome] of closing.matchAll(/(\d+) (?:deletions? )?(\w+)/g)) counts[outcome!] = Number(n);
  return { outcomes, counts };
}

/** The exit code README gives a run with these outcomes: a lookup in a table of literal codes. */
export { exitFromTable as expectedExit } from './exit-codes.js';
