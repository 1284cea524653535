import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
const USAGE_PRELOAD = fileURLToPath(new URL('usage.mjs', import.meta.url));

/** One whole process, from spawn to exit. */
export interface ProcessSample {
  wallMs: number;
  /** The process's own CPU time (user + system). */
  cpuMs: number;
  /** Its peak resident set size. */
  rssMB: number;
  /** CPU the bench process spent meanwhile: the in-process emulator, almost all of it. */
  emulatorCpuMs: number;
}

export interface RunOptions {
  env: Record<string, string>;
  cwd?: string;
  /** Exit codes that count as success (plan and apply exit 0; a failure must stop the bench). */
  expectExit?: number[];
  /** Extra node flags, e.g. --cpu-prof. */
  nodeFlags?: string[];
}

const drain = (stream: Readable): Promise<string> =>
  new Promise((resolve) => {
    let text = '';
    stream.setEncoding('utf8').on('data', (s: string) => (text += s));
    stream.on('end', () => resolve(text));
  });

/**
 * Runs `node [flags] --import usage.mjs ARGS...` and measures it. The environment is exactly
 * `env` (plus PATH), so the caller's NODE_OPTIONS or colour settings cannot change the figures.
 */
export async function runNode(args: string[], options: RunOptions): Promise<ProcessSample & { stdout: string }> {
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const child = spawn(process.execPath, [...(options.nodeFlags ?? []), '--import', USAGE_PRELOAD, ...args], {
    cwd: options.cwd ?? ROOT,
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
  });
  const [stdout, stderr, usage] = [drain(child.stdout!), drain(child.stderr!), drain(child.stdio[3] as Readable)];
  const exit = await new Promise<{ code: number | null; wallMs: number }>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, wallMs: performance.now() - started }));
  });
  const { user, system } = process.cpuUsage(cpuBefore);
  const expected = options.expectExit ?? [0];
  if (exit.code === null || !expected.includes(exit.code)) {
    throw new Error(`node ${args.join(' ')} exited ${exit.code}:\n${(await stderr).slice(0, 4000)}`);
  }
  const used = JSON.parse(await usage) as { maxRssKB: number; cpuUs: number };
  return {
    wallMs: exit.wallMs,
    cpuMs: used.cpuUs / 1000,
    rssMB: used.maxRssKB / 1024,
    emulatorCpuMs: (user + system) / 1000,
    stdout: await stdout,
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  return sorted.length % 2 ? sorted[Math.floor(mid)]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The medians of a case's runs, and every run's wall time for results.json. */
export interface Summary {
  runs: number;
  wallMs: number;
  minWallMs: number;
  maxWallMs: number;
  cpuMs: number;
  rssMB: number;
  emulatorCpuMs: number;
  wallMsEach: number[];
}

export function summarize(samples: ProcessSample[]): Summary {
  const wall = samples.map((s) => s.wallMs);
  const round = (n: number): number => Math.round(n * 10) / 10;
  return {
    runs: samples.length,
    wallMs: round(median(wall)),
    minWallMs: round(Math.min(...wall)),
    maxWallMs: round(Math.max(...wall)),
    cpuMs: round(median(samples.map((s) => s.cpuMs))),
    rssMB: round(median(samples.map((s) => s.rssMB))),
    emulatorCpuMs: round(median(samples.map((s) => s.emulatorCpuMs))),
    wallMsEach: wall.map(round),
  };
}

/** Runs `once` a first time unmeasured (cold caches, JIT) unless told not to, then `runs` times. */
export async function repeat(runs: number, once: () => Promise<ProcessSample>, options: { warmUp?: boolean } = {}): Promise<Summary> {
  if (options.warmUp ?? true) await once();
  const samples: ProcessSample[] = [];
  for (let i = 0; i < runs; i++) samples.push(await once());
  return summarize(samples);
}

export function formatMs(ms: number): string {
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 1_000) return `${(ms / 1000).toFixed(2)} s`;
  return `${ms.toFixed(0)} ms`;
}

/** A plain-text table; `align` has one letter per column, `l` or `r`, and every column is as wide as its widest cell. */
export function table(rows: string[][], align: string): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const cell = (text: string, i: number): string => (align[i] === 'r' ? text.padStart(widths[i]!) : text.padEnd(widths[i]!));
  return rows.map((r) => r.map(cell).join('  ').trimEnd()).join('\n');
}
