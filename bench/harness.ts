import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

// A collection before each run gives every run the same clean heap to measure from. `npm run bench`
// starts node without --expose-gc, so the flag is set here and `gc` taken from a fresh context.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** How often memory is sampled while a run awaits; synchronous work is sampled only when it ends. */
const SAMPLE_EVERY_MS = 5;
const MB = 1024 * 1024;

export interface Sample {
  ms: number;
  /** CPU time of the process (every thread), which other load on the machine disturbs less than `ms`. */
  cpuMs: number;
  /** Peak heap used above the heap left after the pre-run collection. */
  heapMB: number;
  /** Peak resident set size of the whole process (emulator included, where there is one). */
  rssMB: number;
}

/** Times one run of `fn` and samples memory meanwhile. */
export async function measure<T>(fn: () => Promise<T> | T): Promise<{ sample: Sample; result: T }> {
  gc();
  const baseHeap = process.memoryUsage().heapUsed;
  let heap = baseHeap;
  let rss = 0;
  const sampleMemory = (): void => {
    const m = process.memoryUsage();
    heap = Math.max(heap, m.heapUsed);
    rss = Math.max(rss, m.rss);
  };
  const timer = setInterval(sampleMemory, SAMPLE_EVERY_MS);
  try {
    const cpu = process.cpuUsage();
    const started = performance.now();
    const result = await fn();
    const ms = performance.now() - started;
    const { user, system } = process.cpuUsage(cpu);
    sampleMemory(); // while `result` is still alive: what a run produces counts towards its peak
    return { sample: { ms, cpuMs: (user + system) / 1000, heapMB: (heap - baseHeap) / MB, rssMB: rss / MB }, result };
  } finally {
    clearInterval(timer);
  }
}

/** Each case runs up to RUNS times, starting no run once BUDGET_MS has gone (but always once), so `npm run bench` stays near 2 minutes. */
const RUNS = 5;
const BUDGET_MS = 6_000;

/** Repeats `run` (which calls `measure` around the part worth timing) within the run count and the budget. */
export async function repeat(run: () => Promise<Sample>): Promise<Sample[]> {
  const started = performance.now();
  const samples: Sample[] = [];
  do samples.push(await run());
  while (samples.length < RUNS && performance.now() - started < BUDGET_MS);
  return samples;
}

const COLUMNS = [
  ['case', 40],
  ['runs', 4],
  ['median', 9],
  ['min', 9],
  ['cpu', 9],
  ['heap↑ MB', 9],
  ['rss MB', 7],
] as const;

const cell = (text: string, width: number, i: number): string => (i === 0 ? text.padEnd(width) : text.padStart(width));

/** Prints a section's title and the table header; rows follow as their cases finish. */
export function header(title: string): void {
  console.log(`\n${title}`);
  console.log(`${COLUMNS.map(([name, width], i) => cell(name, width, i)).join('  ')}  notes`);
}

export function formatMs(ms: number): string {
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 1_000) return `${(ms / 1000).toFixed(2)} s`;
  return ms >= 10 ? `${ms.toFixed(0)} ms` : `${ms.toFixed(2)} ms`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  return sorted.length % 2 ? sorted[Math.floor(mid)]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** One row: median and min of the wall times, median CPU time; the largest memory peaks of all runs. */
export function row(name: string, samples: Sample[], notes = ''): void {
  const times = samples.map((s) => s.ms);
  const values = [
    name,
    String(samples.length),
    formatMs(median(times)),
    formatMs(Math.min(...times)),
    formatMs(median(samples.map((s) => s.cpuMs))),
    Math.max(...samples.map((s) => s.heapMB)).toFixed(1),
    Math.max(...samples.map((s) => s.rssMB)).toFixed(0),
  ];
  console.log(`${values.map((v, i) => cell(v, COLUMNS[i]![1], i)).join('  ')}  ${notes}`);
}
