import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { UserError } from '../errors.js';
import { DataFileWriter, loadDataFile } from './datafile.js';
import { hasuraJson, serverErrorJson } from './errors.js';
import { FaultHooks, checkFaultRates, randomFaults, type FaultHook, type FaultRates } from './faults.js';
import { graphqlHandler } from './graphql.js';
import { errorAnswer, readBody, unanswered, type HttpAnswer, type RequestRecord } from './http.js';
import { METHOD_NOT_ALLOWED, NOT_FOUND, bodyTooLarge } from './messages.js';
import { DEFAULTS, checkOptions, checkQuirks, definedOnly, type EmulatorOptions } from './options.js';
import { PreviewJobClock } from './preview.js';
import type { Quirks } from './quirks.js';
import type { WriteEvent } from './records.js';
import { Store } from './store.js';

/** A write the store decided, and the HTTP request that asked for it. */
export interface EmulatorWriteEvent extends WriteEvent {
  /** Absent for a write made on the store directly, and for a preview job run by its clock. */
  readonly request?: RequestRecord;
}

export interface Emulator {
  /** http://HOST:PORT/v1/graphql */
  url: string;
  tokens: string[];
  /** Direct, synchronous access for tests, demos and out-of-band edits. */
  store: Store;
  /** One per HTTP request, in arrival order. */
  requests: RequestRecord[];
  /**
   * Adds a hook that decides, for each request naming an operation, whether it fails and how,
   * before anything of it runs (so an edit the hook makes is what the request sees). Returns
   * the function that removes it. See faults.ts.
   */
  onRequest(hook: FaultHook): () => void;
  /** Calls `listener` with every write decided on a project (see WriteEvent); returns the unsubscribe function. */
  onWrite(listener: (event: EmulatorWriteEvent) => void): () => void;
  /** Changes the random faults (`errorRate`, `lostAnswerRate`) and the latency of every answer. */
  setFaults(f: FaultRates): void;
  /** Turns the quirks given on or off (`false`, or `[]` for createEnvsFail); the others stay as they are. */
  setQuirks(q: Quirks): void;
  close(): Promise<void>;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  checkOptions(options);
  const settings = { ...DEFAULTS, ...definedOnly(options) };
  const rates: FaultRates = { latencyMs: options.latencyMs, errorRate: options.errorRate, lostAnswerRate: options.lostAnswerRate };
  const faults = new FaultHooks();
  faults.add(randomFaults(() => rates, options.random ?? Math.random));
  const quirks: Quirks = { ...options.quirks };
  const tokens = options.tokens?.length ? [...options.tokens] : [`emu_${randomBytes(24).toString('base64url')}`];
  const accepted = new Set(tokens);
  const requests: RequestRecord[] = [];

  const snapshot = options.dataFile ? await loadDataFile(options.dataFile) : undefined;
  const store = new Store(snapshot);
  const dataFile = options.dataFile ? await DataFileWriter.start(options.dataFile, store, snapshot !== undefined) : undefined;
  const clock = new PreviewJobClock(settings.previewJobDelayMs, (jobId) => store.finishPreviewJob(jobId));
  store.runningJobIds().forEach((jobId) => clock.start(jobId));

  let running: RequestRecord | undefined;
  const handler = graphqlHandler({
    settings,
    context: { store, previewJobCreated: (jobId) => clock.start(jobId), quirks: () => quirks },
    faults,
    persisted: dataFile && (() => dataFile.persisted()),
    running: (record) => (running = record),
  });
  /** Stops the delays of answers still waiting, so that closing never waits for them. */
  const closed = new AbortController();

  const answer = async (req: IncomingMessage, record: RequestRecord): Promise<HttpAnswer> => {
    if (new URL(req.url ?? '/', 'http://emulator').pathname !== '/v1/graphql') {
      return errorAnswer(record, 404, [hasuraJson(NOT_FOUND)]);
    }
    if (req.method !== 'POST') {
      const [body, init] = errorAnswer(record, 405, [hasuraJson(METHOD_NOT_ALLOWED)]);
      return [body, { ...init, headers: { ...init.headers, allow: 'POST' } }];
    }
    const body = await readBody(req, settings.maxBodyBytes);
    if (body === undefined) return errorAnswer(record, 413, [hasuraJson(bodyTooLarge(settings.maxBodyBytes))]);
    const token = /^pat\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
    return handler({
      method: req.method,
      url: req.url ?? '/',
      // Hasura answers application/json whatever the Accept header asks for; graphql-http would
      // otherwise negotiate application/graphql-response+json and answer 4xx to errors.
      headers: { accept: 'application/json' },
      body,
      raw: req,
      context: { record, authorized: token !== undefined && accepted.has(token) },
    });
  };

  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const record: RequestRecord = { operationName: null, operationType: null, fields: [] };
    requests.push(record);
    let response: HttpAnswer;
    try {
      response = await answer(req, record);
    } catch {
      response = errorAnswer(record, 500, [serverErrorJson()]);
    }
    const delay = (rates.latencyMs ?? 0) + (typeof record.fault === 'object' && 'delayMs' in record.fault ? record.fault.delayMs : 0);
    if (delay > 0) {
      try {
        await sleep(delay, undefined, { signal: closed.signal });
      } catch {
        return; // the emulator closed meanwhile, and with it the connection
      }
    }
    if (unanswered(record.fault)) {
      req.socket.destroy();
      return;
    }
    const [body, init] = response;
    res.writeHead(init.status, init.statusText || undefined, init.headers).end(body ?? undefined);
  };

  const server = createServer((req, res) => void serve(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, settings.host, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch(async (err: NodeJS.ErrnoException) => {
    await dataFile?.close();
    throw new UserError(`cannot listen on ${settings.host}:${options.port ?? 0}: ${err.code ?? err.message}`);
  });
  const { port } = server.address() as AddressInfo;
  const hostInUrl = settings.host.includes(':') ? `[${settings.host}]` : settings.host;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${hostInUrl}:${port}/v1/graphql`,
    tokens,
    store,
    requests,
    onRequest: (hook) => faults.add(hook),
    onWrite: (listener) => store.onWrite((event) => listener(running ? { ...event, request: running } : event)),
    setFaults(f) {
      checkFaultRates(f);
      Object.assign(rates, definedOnly(f));
    },
    setQuirks(q) {
      checkQuirks(q);
      Object.assign(quirks, definedOnly(q));
    },
    close() {
      closing ??= (async () => {
        clock.stop();
        closed.abort();
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await stopped;
        await dataFile?.close();
      })();
      return closing;
    },
  };
}
