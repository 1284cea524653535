/**
 * `npm run bench`: hcr as whole processes (`node dist/hcr.js ...`, the bundle) against an emulator with
 * network-like latency, beside a naive sequential script and the latency floor. Prints a table
 * and writes bench/results.json. Nothing here asserts: the targets are shown as met or missed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import type { Emulator, RequestRecord } from '../src/emulator/index.js';
import { writeFixture, type Fixture } from './fixtures.js';
import { ROOT, formatMs, repeat, runNode, summarize, table, type ProcessSample, type Summary } from './harness.js';
import type * as EmulatorModule from '../src/emulator/index.js';

const USAGE = `npm run bench -- [--projects 1000] [--keys 50] [--latency 20] [--runs 5] [--baseline-runs 3]
                     [--memory-projects 5000] [--concurrency N] [--batch-size N] [--profile DIR] [--out FILE]
                     [--bin FILE]   (another build of hcr to measure, e.g. an older one's dist/cli/bin.js)`;

const { values: flags } = parseArgs({
  options: {
    projects: { type: 'string', default: '1000' },
    keys: { type: 'string', default: '50' },
    latency: { type: 'string', default: '20' },
    runs: { type: 'string', default: '5' },
    'baseline-runs': { type: 'string', default: '3' },
    'memory-projects': { type: 'string', default: '5000' },
    concurrency: { type: 'string' },
    'batch-size': { type: 'string' },
    profile: { type: 'string' },
    out: { type: 'string', default: 'bench/results.json' },
    bin: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (flags.help) {
  console.log(USAGE);
  process.exit(0);
}

function whole(name: keyof typeof flags, min: number): number {
  const n = Number(flags[name]);
  if (!Number.isInteger(n) || n < min) {
    console.error(`--${name} must be a whole number of ${min} or more, got ${flags[name]}\n${USAGE}`);
    process.exit(1);
  }
  return n;
}

const P = whole('projects', 1);
const K = whole('keys', 9);
const L = whole('latency', 0);
const RUNS = whole('runs', 1);
const BASELINE_RUNS = whole('baseline-runs', 1);
const MEMORY_P = whole('memory-projects', 0);
const BIN = flags.bin === undefined ? join(ROOT, 'dist/hcr.js') : resolve(flags.bin);

if (!existsSync(BIN)) {
  console.error(`${BIN} is missing: run \`npm ci\` (or \`npm run build\`) first.`);
  process.exit(1);
}
// The emulator is the bundled one, as `hcr emulator` runs it, so that its figures and profiles are of that code.
const { startEmulator } = (await import(pathToFileURL(join(ROOT, 'dist/emulator.js')).href)) as typeof EmulatorModule;
const HCR_VERSION = (await runNode([BIN, '--version'], { env: {} })).stdout.trim();
/** The commit measured, when the bench runs in a git checkout (with ` +changes` when it has any). */
function commit(): string | undefined {
  try {
    const git = (...args: string[]): string =>
      execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return `${git('rev-parse', '--short', 'HEAD')}${git('status', '--porcelain', '--untracked-files=no') ? ' +changes' : ''}`;
  } catch {
    return undefined;
  }
}

/** The default yargs prints for `flag` in `hcr plan --help`; undefined when hcr has no such flag. */
function helpDefault(help: string, flag: string): number | undefined {
  const lines = help.split('\n');
  const start = lines.findIndex((l) => new RegExp(`^\\s*(-\\w, )?--${flag}\\b`).test(l));
  if (start < 0) return undefined;
  const end = lines.findIndex((l, i) => i > start && /^\s*(-\w, )?--/.test(l));
  const block = lines.slice(start, end < 0 ? undefined : end).join(' ');
  const found = /\[default: (\d+)\]/.exec(block);
  if (!found) throw new Error(`hcr plan --help lists --${flag} without a numeric default`);
  return Number(found[1]);
}

const planHelp = (await runNode([BIN, 'plan', '--help'], { env: {} })).stdout;
const hcrConcurrency = helpDefault(planHelp, 'concurrency');
const hcrBatchSize = helpDefault(planHelp, 'batch-size');
if (hcrConcurrency === undefined) throw new Error('hcr plan --help lists no --concurrency');
if (flags['batch-size'] !== undefined && hcrBatchSize === undefined) {
  console.error('this hcr has no --batch-size: it reads one project per request');
  process.exit(1);
}
const C = flags.concurrency === undefined ? hcrConcurrency : whole('concurrency', 1);
/** Before hcr had --batch-size it read one project per request. */
const B = flags['batch-size'] === undefined ? (hcrBatchSize ?? 1) : whole('batch-size', 1);
/** Only flags the user chose are passed, so that hcr's own defaults are what is measured. */
const readFlags = [
  ...(flags.concurrency === undefined ? [] : ['--concurrency', String(C)]),
  ...(flags['batch-size'] === undefined ? [] : ['--batch-size', String(B)]),
];

const profileDir = flags.profile === undefined ? undefined : resolve(flags.profile);
const hcrNodeFlags = profileDir ? ['--cpu-prof', '--cpu-prof-dir', join(profileDir, 'hcr')] : [];
const inspector = profileDir ? new Session() : undefined;
if (inspector) {
  inspector.connect();
  await inspector.post('Profiler.enable');
}

/** CPU-profiles the bench process (the emulator) while `fn` runs, under --profile. */
async function profiled<T>(name: string, fn: () => Promise<T>): Promise<T> {
  if (!inspector || !profileDir) return fn();
  await inspector.post('Profiler.start');
  try {
    return await fn();
  } finally {
    const { profile } = await inspector.post('Profiler.stop');
    await mkdir(profileDir, { recursive: true });
    await writeFile(join(profileDir, `emulator-${name}.cpuprofile`), JSON.stringify(profile));
  }
}

async function seeded(fixture: Fixture): Promise<Emulator> {
  const emulator = await startEmulator({ latencyMs: L });
  for (const [name, env] of fixture.live) emulator.store.createProject({ name, env });
  return emulator;
}

const cloudEnv = (emulator: Emulator, fixture: Fixture): Record<string, string> => ({
  ...fixture.env,
  HASURA_CLOUD_ENDPOINT: emulator.url,
  HASURA_CLOUD_ACCESS_TOKEN: emulator.tokens[0]!,
});

interface Requests {
  total: number;
  lookups: number;
  /** Requests that read envs, and the getTenantEnv fields they carried. */
  reads: number;
  readFields: number;
  largestBatch: number;
  writes: number;
  errors: number;
}

function countRequests(records: RequestRecord[]): Requests {
  const reads = records.filter((r) => r.fields.length > 0 && r.fields.every((f) => f === 'getTenantEnv'));
  return {
    total: records.length,
    lookups: records.filter((r) => r.fields.includes('projects')).length,
    reads: reads.length,
    readFields: reads.reduce((n, r) => n + r.fields.length, 0),
    largestBatch: Math.max(0, ...reads.map((r) => r.fields.length)),
    writes: records.filter((r) => r.operationType === 'mutation').length,
    errors: records.filter((r) => r.errorCode !== undefined || r.fault !== undefined).length,
  };
}

/** Runs hcr against `emulator`; the requests of the last run are kept in `seen`. */
async function hcr(
  args: string[],
  env: Record<string, string>,
  emulator?: Emulator,
  seen?: { requests?: Requests },
): Promise<ProcessSample> {
  const first = emulator?.requests.length ?? 0;
  const sample = await runNode([BIN, ...args], { env, nodeFlags: hcrNodeFlags });
  if (emulator && seen) seen.requests = countRequests(emulator.requests.slice(first));
  return sample;
}

/** The least time latency allows: the lookups one after another, then ⌈P/B⌉ reads in waves of C. */
const floorMs = (projects: number, lookups: number): number => L * (lookups + Math.ceil(Math.ceil(projects / B) / C));

interface PlanCase extends Summary {
  projects: number;
  requests: Requests;
}

async function planCase(fixture: Fixture, runs: number, name: string): Promise<PlanCase> {
  const emulator = await seeded(fixture);
  try {
    const seen: { requests?: Requests } = {};
    const summary = await profiled(name, () =>
      repeat(runs, () => hcr(['plan', '-f', fixture.dir, ...readFlags], cloudEnv(emulator, fixture), emulator, seen)),
    );
    return { ...summary, projects: fixture.names.length, requests: seen.requests! };
  } finally {
    await emulator.close();
  }
}

type Results = {
  floorMs: number;
  targets: Target[];
  plan: PlanCase;
  sequential: Summary & { requests: Requests };
  apply: Summary & { changedProjects: number; requests: Requests };
  validate: Summary;
  /** Start-up, each beside bare Node in the same iterations: see startup(). */
  planOne: PlanCase;
  version: Summary;
  help: Summary;
  nodeBare: Summary;
  memory: PlanCase[];
};

interface Target {
  target: string;
  goal: string;
  measured: string;
  met: boolean;
  /** How far off a missed target is, in the target's own terms. */
  missedBy?: string;
  /** For a missed target: where the time or memory went, from the figures measured. */
  cause?: string;
}

const ratio = (n: number): string => `${n.toFixed(n >= 10 ? 0 : 1)}×`;
const mb = (n: number): string => `${n.toFixed(0)} MB`;

function targets(r: Omit<Results, 'targets'>): Target[] {
  const list: Target[] = [];
  const add = (target: string, goal: string, measured: string, met: boolean, missedBy: string, cause: string): void => {
    list.push({ target, goal, measured, met, ...(met ? {} : { missedBy, cause }) });
  };
  /** Where a plan's wall time went: hcr's own CPU, the emulator's, and waiting on latency. */
  const planCause = (c: Summary, floor: number): string =>
    `hcr's own CPU ${formatMs(c.cpuMs)} of ${formatMs(c.wallMs)} wall, the emulator's ${formatMs(c.emulatorCpuMs)}, latency at least ${formatMs(floor)}`;
  /** What a start-up costs beyond bare Node: loading and running hcr's code. */
  const startupCause = (c: Summary): string =>
    `${formatMs(c.cpuMs - r.nodeBare.cpuMs)} more CPU than bare Node (${formatMs(c.cpuMs)} vs ${formatMs(r.nodeBare.cpuMs)}): loading and running hcr's code`;

  const speedup = r.sequential.wallMs / r.plan.wallMs;
  add(
    'plan vs the sequential loop',
    '≥ 20× faster',
    `${ratio(speedup)} faster`,
    speedup >= 20,
    `${ratio(20 / speedup)} (plan would need ≤ ${formatMs(r.sequential.wallMs / 20)})`,
    planCause(r.plan, r.floorMs),
  );
  const overFloor = r.plan.wallMs / r.floorMs;
  add(
    'plan vs the floor',
    '≤ 4× the floor',
    `${ratio(overFloor)} (${formatMs(r.floorMs)})`,
    overFloor <= 4,
    `${formatMs(r.plan.wallMs - 4 * r.floorMs)}`,
    planCause(r.plan, r.floorMs),
  );
  const allowed = 1 + Math.ceil(P / B) + Math.max(0, r.plan.requests.lookups - 1);
  add(
    'plan requests',
    `≤ 1 + ⌈P/B⌉ + extra lookup pages = ${allowed}`,
    String(r.plan.requests.total),
    r.plan.requests.total <= allowed,
    `${r.plan.requests.total - allowed} requests`,
    requestsText(r.plan.requests),
  );
  add(
    `peak RSS of plan, ${P} × ${K}`,
    '< 200 MB',
    mb(r.plan.rssMB),
    r.plan.rssMB < 200,
    mb(r.plan.rssMB - 200),
    `${mb(r.planOne.rssMB)} for one project; ${mb(r.plan.rssMB - r.planOne.rssMB)} more for ${P} × ${K}`,
  );
  const [one, big] = r.memory;
  if (one && big) {
    const perKey = (a: PlanCase, b: PlanCase): number => ((b.rssMB - a.rssMB) * 1024) / ((b.projects - a.projects) * K);
    const first = perKey(one, r.plan);
    const second = perKey(r.plan, big);
    // Linear: a project·key costs no more between P and 5000 than up to P (25% for GC timing).
    add(
      `RSS growth with P × K (${big.projects} projects: ${mb(big.rssMB)})`,
      'linear',
      `${first.toFixed(2)} KB per project·key up to ${P}, ${second.toFixed(2)} beyond`,
      second <= first * 1.25,
      `${ratio(second / first)} per project·key beyond ${P}`,
      `peak RSS ${mb(one.rssMB)}, ${mb(r.plan.rssMB)}, ${mb(big.rssMB)} for 1, ${P}, ${big.projects} projects`,
    );
  }
  const versus = (name: string, c: Summary, goal: number): void => {
    const times = c.wallMs / r.nodeBare.wallMs;
    add(
      `${name} vs node -e 0`,
      `≤ ${goal}×`,
      `${times.toFixed(2)}× (${formatMs(c.wallMs)} vs ${formatMs(r.nodeBare.wallMs)})`,
      times <= goal,
      formatMs(c.wallMs - goal * r.nodeBare.wallMs),
      startupCause(c),
    );
  };
  versus('hcr plan, 1 project,', r.planOne, 3);
  versus('hcr --version', r.version, 1.2);
  versus('hcr --help', r.help, 2);
  add(
    `hcr validate, ${P} projects`,
    '< 1 s',
    formatMs(r.validate.wallMs),
    r.validate.wallMs < 1000,
    formatMs(r.validate.wallMs - 1000),
    `hcr's own CPU ${formatMs(r.validate.cpuMs)}, peak RSS ${mb(r.validate.rssMB)}`,
  );
  return list;
}

const count = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`;

function requestsText(q: Requests): string {
  const reads = q.reads === q.readFields ? count(q.reads, 'read') : `${count(q.reads, 'read')} of ≤ ${q.largestBatch} projects`;
  const writes = q.writes ? ` + ${count(q.writes, 'write')}` : '';
  return `${q.total}: ${count(q.lookups, 'lookup')} + ${reads}${writes}${q.errors ? ` (${q.errors} failed)` : ''}`;
}

function report(r: Results): string {
  const row = (name: string, s: Summary, requests = ''): string[] => [
    name,
    formatMs(s.wallMs),
    `${formatMs(s.minWallMs)}–${formatMs(s.maxWallMs)}`,
    formatMs(s.cpuMs),
    s.emulatorCpuMs >= 1 ? formatMs(s.emulatorCpuMs) : '',
    mb(s.rssMB),
    requests,
  ];
  const rows = [
    ['case', 'wall', 'range', 'cpu', 'emulator', 'peak RSS', 'requests'],
    row(`hcr plan (${P} projects)`, r.plan, requestsText(r.plan.requests)),
    row('sequential getTenantEnv loop', r.sequential, requestsText(r.sequential.requests)),
    [`floor: ${L} ms × (lookups + ⌈⌈P/B⌉/C⌉)`, formatMs(r.floorMs), '', '', '', '', ''],
    row(`hcr apply, ${r.apply.changedProjects} projects changed`, r.apply, requestsText(r.apply.requests)),
    ...r.memory.map((m) => row(`hcr plan (${m.projects} project${m.projects === 1 ? '' : 's'})`, m, requestsText(m.requests))),
    row(`hcr validate (${P} projects)`, r.validate),
    row('hcr plan (1 project), beside node -e 0', r.planOne, requestsText(r.planOne.requests)),
    row('hcr --version', r.version),
    row('hcr --help', r.help),
    row('node -e 0', r.nodeBare),
  ];
  const goals = [
    ['target', 'goal', 'measured', ''],
    ...r.targets.map((t) => [t.target, t.goal, t.measured, t.met ? 'met' : `missed by ${t.missedBy}: ${t.cause}`]),
  ];
  return `${table(rows, 'lrrrrrl')}\n\n${table(goals, 'llll')}`;
}

/**
 * What users feel at every run, each beside bare Node: `node -e 0`, `hcr --version`, `hcr --help`
 * and a plan of one project, one after another in each iteration, so that a change in the
 * machine's load shifts them alike.
 */
async function startup(runs: number, fixture: Fixture): Promise<{ bare: Summary; version: Summary; help: Summary; planOne: PlanCase }> {
  const emulator = await seeded(fixture);
  const samples: Record<'bare' | 'version' | 'help' | 'planOne', ProcessSample[]> = { bare: [], version: [], help: [], planOne: [] };
  const seen: { requests?: Requests } = {};
  try {
    for (let i = 0; i <= runs; i++) {
      const round = {
        bare: await runNode(['-e', '0'], { env: {} }),
        version: await hcr(['--version'], {}),
        help: await hcr(['--help'], {}),
        planOne: await hcr(['plan', '-f', fixture.dir, ...readFlags], cloudEnv(emulator, fixture), emulator, seen),
      };
      // The first round warms the file cache (and Node's compile cache, where there is one).
      if (i > 0) for (const [name, sample] of Object.entries(round)) samples[name as keyof typeof samples].push(sample);
    }
  } finally {
    await emulator.close();
  }
  return {
    bare: summarize(samples.bare),
    version: summarize(samples.version),
    help: summarize(samples.help),
    planOne: { ...summarize(samples.planOne), projects: fixture.names.length, requests: seen.requests! },
  };
}

const started = performance.now();
const load = loadavg();
const cpu = cpus();
const machine = {
  cpu: cpu[0]?.model.trim() ?? 'unknown',
  cores: cpu.length,
  memoryGB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
  node: process.version,
  platform: `${process.platform}/${process.arch}`,
  loadAverageAtStart: load.map((n) => Math.round(n * 100) / 100),
};
const parameters = {
  /** The build measured; `commit` below is the checkout's, which is this build's only when it is dist/hcr.js. */
  bin: relative(ROOT, BIN),
  projects: P,
  keys: K,
  latencyMs: L,
  concurrency: C,
  batchSize: B,
  runs: RUNS,
  baselineRuns: BASELINE_RUNS,
  memoryProjects: MEMORY_P,
};
console.log(
  `hcr ${HCR_VERSION} bench: ${P} projects × ${K} keys, ${L} ms latency, concurrency ${C}, batch size ${B}` +
    `${flags['batch-size'] === undefined ? (hcrBatchSize === undefined ? ' (hcr has no --batch-size)' : ' (hcr default)') : ''}, ` +
    `median of ${RUNS} runs\n${machine.cpu}, ${machine.cores} cores, ${machine.memoryGB} GB, node ${machine.node}, load average ${machine.loadAverageAtStart.join(' ')}`,
);
if (profileDir)
  console.log(`Profiling into ${relative(process.cwd(), profileDir)}: the figures are slowed by it, results.json is not written.`);

const root = await mkdtemp(join(tmpdir(), 'hcr-bench-'));
const progress = (what: string): void => void process.stderr.write(`  … ${what}\n`);
try {
  const fixture = await writeFixture(join(root, `p${P}`), P, K);

  progress(`hcr plan, ${P} projects`);
  const plan = await planCase(fixture, RUNS, 'plan');

  progress(`sequential getTenantEnv loop, ${P} projects (${formatMs(P * L)} of latency alone)`);
  const namesFile = join(root, 'names.json');
  await writeFile(namesFile, JSON.stringify(fixture.names));
  const baselineEmulator = await seeded(fixture);
  const seenBaseline: { requests?: Requests } = {};
  const sequential = await repeat(
    BASELINE_RUNS,
    async () => {
      const first = baselineEmulator.requests.length;
      const sample = await runNode([join(ROOT, 'bench/sequential.mjs'), namesFile], { env: cloudEnv(baselineEmulator, fixture) });
      seenBaseline.requests = countRequests(baselineEmulator.requests.slice(first));
      return sample;
    },
    { warmUp: false },
  ).finally(() => baselineEmulator.close());

  progress(`hcr apply --auto-approve, ${fixture.changed} of ${P} projects changed`);
  const seenApply: { requests?: Requests } = {};
  const apply = await profiled('apply', () =>
    repeat(RUNS, async () => {
      // Apply changes the projects, so every run gets a freshly seeded emulator (outside the timing).
      const emulator = await seeded(fixture);
      try {
        return await hcr(['apply', '-f', fixture.dir, '--auto-approve', ...readFlags], cloudEnv(emulator, fixture), emulator, seenApply);
      } finally {
        await emulator.close();
      }
    }),
  );
  if (seenApply.requests?.writes !== fixture.changed) {
    throw new Error(`apply sent ${seenApply.requests?.writes} writes for ${fixture.changed} changed projects`);
  }

  progress(`hcr validate, ${P} projects`);
  const validate = await repeat(RUNS, () => hcr(['validate', '-f', fixture.dir], fixture.env));

  progress('node -e 0, hcr --version, hcr --help and hcr plan of 1 project, in turn');
  const oneProject = await writeFixture(join(root, 'p1'), 1, K);
  const { version, help, bare, planOne } = await startup(RUNS * 3, oneProject);

  const memory: PlanCase[] = [];
  if (MEMORY_P > 0) {
    // A one-project plan gives the fixed cost, so that growth per project·key can be read off.
    for (const projects of [1, MEMORY_P]) {
      progress(`hcr plan, ${projects} projects (memory)`);
      const runs = projects === 1 ? RUNS : Math.min(RUNS, 3);
      const sized = projects === 1 ? oneProject : await writeFixture(join(root, `p${projects}`), projects, K);
      memory.push(await planCase(sized, runs, `plan-${projects}`));
    }
  }

  const results = {
    date: new Date().toISOString(),
    hcrVersion: HCR_VERSION,
    commit: commit(),
    machine: { ...machine, loadAverageAtEnd: loadavg().map((n) => Math.round(n * 100) / 100) },
    parameters,
    floorMs: floorMs(P, plan.requests.lookups),
    plan,
    sequential: { ...sequential, requests: seenBaseline.requests! },
    apply: { ...apply, changedProjects: fixture.changed, requests: seenApply.requests! },
    validate,
    planOne,
    version,
    help,
    nodeBare: bare,
    memory,
  };

  const final: Results = { ...results, targets: targets(results) };
  console.log(`\n${report(final)}`);
  if (!profileDir) {
    await writeFile(resolve(flags.out), `${JSON.stringify(final, null, 2)}\n`);
    console.log(`\nWrote ${flags.out} in ${formatMs(performance.now() - started)}.`);
  }
} finally {
  await rm(root, { recursive: true, force: true });
  inspector?.disconnect();
}
