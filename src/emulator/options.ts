import { UserError } from '../errors.js';
import { checkFaultRates, type FaultRates } from './faults.js';
import { PREVIEW_JOB_DELAY_MS } from './preview.js';
import type { Quirks } from './quirks.js';
import { PLANS } from './records.js';

export interface EmulatorOptions extends FaultRates {
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Accepted personal access tokens; when none are given one is generated (see `Emulator.tokens`). */
  tokens?: string[];
  /** Keep the state in this JSON file (loaded at start, rewritten atomically after each change). */
  dataFile?: string;
  /** The real service's rough edges to reproduce (see quirks.ts); none by default. */
  quirks?: Quirks;
  /** How long a preview-app job stays `running`. */
  previewJobDelayMs?: number;
  maxBodyBytes?: number;
  maxQueryLength?: number;
  maxDepth?: number;
  /** The source of randomness for the random faults (`errorRate`, `lostAnswerRate`), so that tests can seed it. */
  random?: () => number;
}

/** The limits and timings one emulator runs with: the options given over these defaults. */
export const DEFAULTS = {
  host: '127.0.0.1',
  previewJobDelayMs: PREVIEW_JOB_DELAY_MS,
  maxBodyBytes: 1024 * 1024,
  maxQueryLength: 64 * 1024,
  maxDepth: 12,
};

export type Settings = typeof DEFAULTS & EmulatorOptions;

export function checkQuirks(q: Quirks): void {
  const unknown = q.createEnvsFail?.find((plan) => !PLANS.includes(plan));
  if (unknown !== undefined) throw new UserError(`createEnvsFail: unknown plan ${JSON.stringify(unknown)} (plans: ${PLANS.join(', ')})`);
}

export function checkOptions(o: EmulatorOptions): void {
  checkFaultRates(o);
  checkQuirks(o.quirks ?? {});
  if (o.port !== undefined && !(Number.isInteger(o.port) && o.port >= 0 && o.port <= 65535)) {
    throw new UserError(`port must be an integer from 0 to 65535, got ${o.port}`);
  }
  if (o.tokens?.some((t) => !/^\S+$/.test(t))) throw new UserError('tokens must be non-empty and contain no spaces');
  if (o.previewJobDelayMs !== undefined && !(Number.isInteger(o.previewJobDelayMs) && o.previewJobDelayMs >= 0)) {
    throw new UserError(`preview job delay must be a whole number of milliseconds, 0 or more, got ${o.previewJobDelayMs}`);
  }
  for (const key of ['maxBodyBytes', 'maxQueryLength', 'maxDepth'] as const) {
    const v = o[key];
    if (v !== undefined && !(Number.isInteger(v) && v >= 0)) throw new UserError(`${key} must be an integer, 0 or more, got ${v}`);
  }
}

/** `o` without its undefined properties, so that spreading it keeps the values it does not set. */
export const definedOnly = <T extends object>(o: T): Partial<T> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
