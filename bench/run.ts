/**
 * `npm run bench`: how long hcr takes and how much memory it needs at the sizes users run it at in
 * CI. Prints figures only; nothing here asserts on time. Every case goes through harness.ts.
 */
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { main } from '../src/cli/main.js';
import { loadDesired } from '../src/config/load.js';
import { startEmulator, type Emulator, type RequestRecord } from '../src/emulator/index.js';
import { plan, type LiveState } from '../src/plan/plan.js';
import type { Plan } from '../src/plan/types.js';
import { renderPlanJson, renderPlanMarkdown, renderPlanText, style } from '../src/render/index.js';
import { writeFixture, type Fixture } from './fixtures.js';
import { formatMs, header, measure, repeat, row } from './harness.js';

const LATENCY_MS = 20;
const CONCURRENCIES = [1, 10, 32];

/** Runs hcr in-process against `emulator`, its output swallowed, and fails the benchmark unless it exits 0. */
async function hcr(args: string[], fixture: Fixture, emulator: Emulator): Promise<void> {
  let stderr = '';
  const io = {
    stdout: { write: () => true, isTTY: false },
    // Kept only to explain an unexpected exit code.
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
    stdin: Object.assign(Readable.from([]), { isTTY: false }),
  };
  const env = { ...fixture.env, HASURA_CLOUD_ENDPOINT: emulator.url, HASURA_CLOUD_ACCESS_TOKEN: emulator.tokens[0] };
  const code = await main(args, { io, env, cwd: fixture.dir });
  if (code !== 0) throw new Error(`hcr ${args.join(' ')} exited ${code}:\n${stderr}`);
}

async function seededEmulator(fixture: Fixture): Promise<Emulator> {
  const emulator = await startEmulator({ latencyMs: LATENCY_MS });
  for (const [name, env] of fixture.live) emulator.store.createProject({ name, env });
  return emulator;
}

/**
 * `1 findProjectsByName + 500 getTenantEnv; latency floor 1.02 s`. The floor is the least time the
 * emulator's latency alone allows: the lookup, then the reads and then the writes in waves of
 * `concurrency` (hcr's own work and the emulator's come on top).
 */
function requestNotes(requests: RequestRecord[], concurrency: number): string {
  const counts = new Map<string, number>();
  for (const r of requests) counts.set(r.operationName ?? '(none)', (counts.get(r.operationName ?? '(none)') ?? 0) + 1);
  const writes = requests.filter((r) => r.operationType === 'mutation').length;
  const reads = requests.length - writes - 1;
  const floor = (1 + Math.ceil(reads / concurrency) + Math.ceil(writes / concurrency)) * LATENCY_MS;
  const failed = requests.filter((r) => r.errorCode).length;
  const list = [...counts].map(([operation, n]) => `${n} ${operation}`).join(' + ');
  return `${list}${failed ? ` (${failed} answered with errors)` : ''}; latency floor ${formatMs(floor)}`;
}

const summaryOf = (p: Plan): string =>
  `${p.projects.filter((x) => x.action !== 'no-op').length} projects change: +${p.summary.add} ~${p.summary.change} -${p.summary.remove}`;

async function yamlSize(dir: string): Promise<string> {
  const files = await readdir(dir);
  const sizes = await Promise.all(files.map(async (f) => (await stat(join(dir, f))).size));
  return `${files.length} files, ${(sizes.reduce((a, b) => a + b, 0) / 1024).toFixed(0)} kB of YAML`;
}

async function benchLoad(fixture: Fixture): Promise<void> {
  header(`Load + validate: ${fixture.names.length} projects × 30 keys (defaults, fromEnv)`);
  const load = () => loadDesired([fixture.dir], { cwd: fixture.dir, env: fixture.env });
  row('loadDesired', await repeat(async () => (await measure(load)).sample), await yamlSize(fixture.dir));
}

async function benchPurePlan(fixture: Fixture): Promise<void> {
  const desired = await loadDesired([fixture.dir], { cwd: fixture.dir, env: fixture.env });
  const live: LiveState = new Map(
    [...fixture.live].map(([name, env], i) => [name, { tenantId: `tenant-${i}`, hash: `hash-${i}`, env }]),
  );
  header(`plan() and rendering: ${fixture.names.length} projects × 30 keys`);
  let result: Plan | undefined;
  const samples = await repeat(async () => {
    const measured = await measure(() => plan(desired, live));
    result = measured.result;
    return measured.sample;
  });
  row('plan (pure)', samples, summaryOf(result!));

  const planned = result!;
  const views: [string, () => string][] = [
    ['render text', () => renderPlanText(planned, { style: style(false), mode: 'plan' })],
    ['render json', () => renderPlanJson(planned)],
    ['render markdown (PR comment, 64 KiB cap)', () => renderPlanMarkdown(planned, { mode: 'plan' })],
  ];
  for (const [name, render] of views) {
    let chars = 0;
    const rendered = await repeat(async () => {
      const measured = await measure(render);
      chars = measured.result.length;
      return measured.sample;
    });
    row(name, rendered, `${(chars / 1024).toFixed(0)} kB of output`);
  }
}

async function benchEndToEnd(fixture: Fixture): Promise<void> {
  const n = fixture.names.length;
  header(`End to end: ${n} projects, in-process emulator with ${LATENCY_MS} ms latency per request`);

  // Plan writes nothing, so every plan run shares one emulator.
  const emulator = await seededEmulator(fixture);
  try {
    for (const c of CONCURRENCIES) {
      let sent: RequestRecord[] = [];
      const samples = await repeat(async () => {
        const first = emulator.requests.length;
        const { sample } = await measure(() => hcr(['plan', '-f', '.', '--concurrency', String(c)], fixture, emulator));
        sent = emulator.requests.slice(first);
        return sample;
      });
      row(`hcr plan --concurrency ${c}`, samples, requestNotes(sent, c));
    }
  } finally {
    await emulator.close();
  }

  // Apply changes the projects: each run gets a fresh emulator, seeded outside the timing.
  for (const c of CONCURRENCIES) {
    let sent: RequestRecord[] = [];
    const samples = await repeat(async () => {
      const fresh = await seededEmulator(fixture);
      try {
        const { sample } = await measure(() => hcr(['apply', '-f', '.', '--auto-approve', '--concurrency', String(c)], fixture, fresh));
        sent = fresh.requests;
        return sample;
      } finally {
        await fresh.close();
      }
    });
    row(`hcr apply --auto-approve --concurrency ${c}`, samples, requestNotes(sent, c));
  }
}

const started = performance.now();
const cpu = cpus();
console.log(
  `hcr bench — node ${process.version}, ${process.platform}/${process.arch}, ${cpu.length} CPUs (${cpu[0]?.model.trim() ?? 'unknown'}), ` +
    `${(totalmem() / 1024 ** 3).toFixed(1)} GB RAM`,
);
// Wall times move with whatever else the machine runs; the load average says how much that was.
console.log(
  `Load average at start: ${loadavg()[0]!.toFixed(2)}. RSS with hcr and the emulator loaded: ${(process.memoryUsage.rss() / 1024 ** 2).toFixed(0)} MB.`,
);
console.log(
  'Wall time: median and min of the runs; cpu: median CPU time of the process. Memory: the largest peak of the runs\n' +
    '(heap above a collected baseline; RSS of the whole process, emulator included).',
);

const root = await mkdtemp(join(tmpdir(), 'hcr-bench-'));
try {
  const small = await writeFixture(join(root, 'p500'), 500, 10);
  await benchLoad(small);
  await benchPurePlan(await writeFixture(join(root, 'p2000'), 2000, 20));
  await benchEndToEnd(small);
} finally {
  await rm(root, { recursive: true, force: true });
}
console.log(
  `\nTotal ${formatMs(performance.now() - started)}; peak RSS of the whole process ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB.`,
);
