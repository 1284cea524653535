import { UserError } from '../errors.js';
import type { StoreErrorKind } from './records.js';

/**
 * What can go wrong with one request, as a client sees it:
 * - `server-error`: Hasura's GenericServerError (HTTP 200), and nothing ran;
 * - `http-502`, `http-503`: a gateway's error page, and nothing ran;
 * - `dropped`: the connection closes unanswered, and nothing ran;
 * - `lost-answer`: the operation runs (a mutation lands), then the connection closes unanswered;
 * - `{ refuse: kind }`: the service's refusal of that kind, as the store would answer it
 *   (`not-found` answers `not-exists`, `conflict` the stale-hash error…), and nothing ran;
 * - `{ delayMs }`: the answer, as usual, this much later (on top of the emulator's latency).
 */
export type Fault =
  | 'server-error'
  | 'http-502'
  | 'http-503'
  | 'dropped'
  | 'lost-answer'
  | { refuse: Exclude<StoreErrorKind, 'invalid'> }
  | { delayMs: number };

/** What a fault hook is told of a request: the operation it asks for, before anything of it ran. */
export interface RequestInfo {
  operationName: string | null;
  operationType: 'query' | 'mutation';
  /** Root field names (not aliases), in document order. */
  fields: readonly string[];
  variables: Readonly<Record<string, unknown>>;
  /** The tenant ids its root fields name (`tenantId` arguments, `tenant_by_pk`'s `id`), as sent. */
  tenantIds: readonly string[];
  /**
   * 1 for the first request of this operation name the hook is asked about, 2 for the second…
   * (anonymous operations count together).
   */
  nth: number;
}

/** Decides whether a request fails, and how; undefined lets it through. */
export type FaultHook = (request: RequestInfo) => Fault | undefined;

/** The random faults of `hcr emulator --error-rate/--lost-answer-rate/--latency`. */
export interface FaultRates {
  /** Milliseconds every answer waits. */
  latencyMs?: number;
  /** Share of requests (0 to 1) failing with a server error, a 502, a 503 or a dropped connection, one as likely as another. */
  errorRate?: number;
  /** Share of the other mutations (0 to 1) that land but whose answer is lost. */
  lostAnswerRate?: number;
}

const SERVER_FAULTS = ['server-error', 'http-502', 'http-503', 'dropped'] as const;

function checkRate(name: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isFinite(value) && value >= 0 && value <= 1)) {
    throw new UserError(`${name} must be a number from 0 to 1, got ${value}`);
  }
}

export function checkFaultRates(f: FaultRates): void {
  if (f.latencyMs !== undefined && !(Number.isFinite(f.latencyMs) && f.latencyMs >= 0)) {
    throw new UserError(`latency must be a number of milliseconds, 0 or more, got ${f.latencyMs}`);
  }
  checkRate('error rate', f.errorRate);
  checkRate('lost-answer rate', f.lostAnswerRate);
}

/** The hook behind the rates: `rates()` is read on every request, so that they can change while it serves. */
export function randomFaults(rates: () => Readonly<FaultRates>, random: () => number): FaultHook {
  return ({ operationType }) => {
    const { errorRate = 0, lostAnswerRate = 0 } = rates();
    if (errorRate > 0 && random() < errorRate) return SERVER_FAULTS[Math.floor(random() * SERVER_FAULTS.length)];
    if (operationType === 'mutation' && lostAnswerRate > 0 && random() < lostAnswerRate) return 'lost-answer';
    return undefined;
  };
}

/**
 * The hooks of one emulator. Every hook sees every request (so that one counting or editing on
 * its way sees them all); the first hook added that answers a fault decides it.
 */
export class FaultHooks {
  private readonly hooks: ((request: Omit<RequestInfo, 'nth'>) => Fault | undefined)[] = [];

  /** Each hook counts `nth` itself, from the first request it is asked about. */
  add(hook: FaultHook): () => void {
    const seen = new Map<string, number>();
    const counted = (request: Omit<RequestInfo, 'nth'>): Fault | undefined => {
      const key = request.operationName ?? '';
      const nth = (seen.get(key) ?? 0) + 1;
      seen.set(key, nth);
      return hook({ ...request, nth });
    };
    this.hooks.push(counted);
    return () => {
      const at = this.hooks.indexOf(counted);
      if (at >= 0) this.hooks.splice(at, 1);
    };
  }

  decide(request: Omit<RequestInfo, 'nth'>): Fault | undefined {
    let fault: Fault | undefined;
    for (const hook of [...this.hooks]) {
      const answer = hook(request);
      fault ??= answer;
    }
    return fault;
  }
}
