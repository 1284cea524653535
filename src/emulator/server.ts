import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  Kind,
  execute,
  getOperationAST,
  parse,
  validate,
  type DocumentNode,
  type GraphQLError,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { createHandler, type Request as HttpRequest, type RequestParams, type Response as HttpResponse } from 'graphql-http';
import { UserError } from '../errors.js';
import { DataFileWriter, loadDataFile } from './datafile.js';
import { errorsBody, hasuraJson, serverErrorJson, toHasuraJson, type HasuraErrorJson } from './errors.js';
import {
  BODY_NOT_OBJECT,
  INVALID_JSON,
  INVALID_QUERY,
  METHOD_NOT_ALLOWED,
  MISSING_QUERY,
  NOT_FOUND,
  SUBSCRIPTION_OVER_HTTP,
  badRequestKey,
  bodyTooLarge,
  fieldNotFound,
  noOperation,
  queryTooLong,
  tooDeep,
} from './messages.js';
import { PREVIEW_JOB_DELAY_MS } from './preview.js';
import type { Quirks } from './quirks.js';
import { emulatorSchema, type ResolverContext } from './schema.js';
import { PLANS } from './records.js';
import { Store } from './store.js';

export interface EmulatorOptions {
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Accepted personal access tokens; when none are given one is generated (see `Emulator.tokens`). */
  tokens?: string[];
  /** Keep the state in this JSON file (loaded at start, rewritten atomically after each change). */
  dataFile?: string;
  latencyMs?: number;
  errorRate?: number;
  lostAnswerRate?: number;
  /** The real service's rough edges to reproduce (see quirks.ts); none by default. */
  quirks?: Quirks;
  /** How long a preview-app job stays `running`. */
  previewJobDelayMs?: number;
  maxBodyBytes?: number;
  maxQueryLength?: number;
  maxDepth?: number;
  /** The source of randomness for faults, so that tests can seed it. */
  random?: () => number;
}

export type Fault = 'server-error' | 'http-502' | 'http-503' | 'dropped' | 'lost-answer';

export interface RequestRecord {
  operationName: string | null;
  operationType: 'query' | 'mutation' | null;
  /** Root field names (not aliases) of the operation, in document order. */
  fields: string[];
  fault?: Fault;
  /** `extensions.code` of the first error answered, when the answer was an error. */
  errorCode?: string;
}

export interface Faults {
  latencyMs?: number;
  errorRate?: number;
  lostAnswerRate?: number;
}

export interface Emulator {
  /** http://HOST:PORT/v1/graphql */
  url: string;
  tokens: string[];
  /** Direct, synchronous access for tests, demos and out-of-band edits. */
  store: Store;
  /** One per HTTP request, in arrival order. */
  requests: RequestRecord[];
  setFaults(f: Faults): void;
  /** Turns the quirks given on or off (`false`, or `[]` for createEnvsFail); the others stay as they are. */
  setQuirks(q: Quirks): void;
  close(): Promise<void>;
}

/** Distinct documents whose validation is remembered. */
const VALIDATION_CACHE_SIZE = 256;
const DEFAULTS = {
  host: '127.0.0.1',
  previewJobDelayMs: PREVIEW_JOB_DELAY_MS,
  maxBodyBytes: 1024 * 1024,
  maxQueryLength: 64 * 1024,
  maxDepth: 12,
};
/** Far above any real client's document, low enough that parsing junk stays cheap. */
const MAX_TOKENS = 20_000;
const SERVER_FAULTS: readonly Fault[] = ['server-error', 'http-502', 'http-503', 'dropped'];
const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

interface RequestState {
  record: RequestRecord;
  authorized: boolean;
}

function checkRate(name: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isFinite(value) && value >= 0 && value <= 1)) {
    throw new UserError(`${name} must be a number from 0 to 1, got ${value}`);
  }
}

function checkFaults(f: Faults): void {
  if (f.latencyMs !== undefined && !(Number.isFinite(f.latencyMs) && f.latencyMs >= 0)) {
    throw new UserError(`latency must be a number of milliseconds, 0 or more, got ${f.latencyMs}`);
  }
  checkRate('error rate', f.errorRate);
  checkRate('lost-answer rate', f.lostAnswerRate);
}

function checkQuirks(q: Quirks): void {
  const unknown = q.createEnvsFail?.find((plan) => !PLANS.includes(plan));
  if (unknown !== undefined) throw new UserError(`createEnvsFail: unknown plan ${JSON.stringify(unknown)} (plans: ${PLANS.join(', ')})`);
}

function checkOptions(o: EmulatorOptions): void {
  checkFaults(o);
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

const errorResponse = (record: RequestRecord, status: number, errors: HasuraErrorJson[]): HttpResponse => {
  record.errorCode = errors[0]?.extensions.code;
  return [errorsBody(errors), { status, statusText: '', headers: JSON_HEADERS }];
};

function faultResponse(record: RequestRecord, fault: Fault): HttpResponse {
  switch (fault) {
    case 'http-502':
      return ['502 Bad Gateway\n', { status: 502, statusText: 'Bad Gateway', headers: { 'content-type': 'text/plain' } }];
    case 'http-503':
      return ['503 Service Unavailable\n', { status: 503, statusText: 'Service Unavailable', headers: { 'content-type': 'text/plain' } }];
    case 'dropped':
      // Nothing is sent: the server destroys the socket when it sees the fault.
      return [null, { status: 200, statusText: '' }];
    default:
      return errorResponse(record, 200, [serverErrorJson()]);
  }
}

function parseBody(record: RequestRecord, body: unknown): RequestParams | HttpResponse {
  let data: unknown;
  try {
    data = JSON.parse(String(body));
  } catch {
    return errorResponse(record, 400, [hasuraJson(INVALID_JSON)]);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return errorResponse(record, 400, [hasuraJson(BODY_NOT_OBJECT)]);
  const { query, variables, operationName } = data as Record<string, unknown>;
  if (query === undefined || query === null) return errorResponse(record, 400, [hasuraJson(MISSING_QUERY)]);
  if (typeof query !== 'string') return errorResponse(record, 400, [hasuraJson(badRequestKey('query', 'String'))]);
  if (variables != null && (typeof variables !== 'object' || Array.isArray(variables))) {
    return errorResponse(record, 400, [hasuraJson(badRequestKey('variables', 'Object'))]);
  }
  if (operationName != null && typeof operationName !== 'string') {
    return errorResponse(record, 400, [hasuraJson(badRequestKey('operationName', 'String'))]);
  }
  return {
    query,
    variables: (variables ?? undefined) as Record<string, unknown> | undefined,
    operationName: operationName ?? undefined,
  };
}

const fragmentsOf = (document: DocumentNode): Map<string, FragmentDefinitionNode> =>
  new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])));

/** The operation's root fields, looking through fragments (each fragment once). */
function rootFields(document: DocumentNode, operation: OperationDefinitionNode): FieldNode[] {
  const fragments = fragmentsOf(document);
  const seen = new Set<string>();
  const fields: FieldNode[] = [];
  const walk = (set: SelectionSetNode): void => {
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) fields.push(s);
      else if (s.kind === Kind.INLINE_FRAGMENT) walk(s.selectionSet);
      else if (!seen.has(s.name.value)) {
        seen.add(s.name.value);
        const fragment = fragments.get(s.name.value);
        if (fragment) walk(fragment.selectionSet);
      }
    }
  };
  walk(operation.selectionSet);
  return fields;
}

/** How deeply fields nest, through fragments (memoised, so fragment fan-out stays linear). */
function selectionDepth(document: DocumentNode, operation: OperationDefinitionNode): number {
  const fragments = fragmentsOf(document);
  const memo = new Map<string, number>();
  const depthOf = (set: SelectionSetNode): number =>
    set.selections.reduce((max, s) => {
      if (s.kind === Kind.FIELD) return Math.max(max, 1 + (s.selectionSet ? depthOf(s.selectionSet) : 0));
      if (s.kind === Kind.INLINE_FRAGMENT) return Math.max(max, depthOf(s.selectionSet));
      const name = s.name.value;
      const fragment = fragments.get(name);
      if (!fragment || memo.has(name)) return Math.max(max, memo.get(name) ?? 0);
      memo.set(name, 0); // a cycle (which validation rejects) counts as flat meanwhile
      memo.set(name, depthOf(fragment.selectionSet));
      return Math.max(max, memo.get(name) ?? 0);
    }, 0);
  return depthOf(operation.selectionSet);
}

/** Reads the body, never holding more than `max` bytes; undefined when it is larger. */
async function readBody(req: IncomingMessage, max: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= max) chunks.push(chunk);
  }
  return size <= max ? Buffer.concat(chunks).toString('utf8') : undefined;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  checkOptions(options);
  // One validation cache per schema: a document valid against one may not be against the other.
  const schemas = [false, true].map((statusFields) => ({
    schema: emulatorSchema({ statusFields }),
    validated: memoize<readonly GraphQLError[]>(VALIDATION_CACHE_SIZE),
  }));
  const settings = { ...DEFAULTS, ...definedOnly(options) };
  const random = options.random ?? Math.random;
  const faults = {
    latencyMs: options.latencyMs ?? 0,
    errorRate: options.errorRate ?? 0,
    lostAnswerRate: options.lostAnswerRate ?? 0,
  };
  const quirks: Quirks = { ...options.quirks };
  const tokens = options.tokens?.length ? [...options.tokens] : [`emu_${randomBytes(24).toString('base64url')}`];
  const accepted = new Set(tokens);
  const requests: RequestRecord[] = [];

  const snapshot = options.dataFile ? await loadDataFile(options.dataFile) : undefined;
  const store = new Store(snapshot);
  const dataFile = options.dataFile ? await DataFileWriter.start(options.dataFile, store, snapshot !== undefined) : undefined;

  const timers = new Set<NodeJS.Timeout>();
  const startJobClock = (jobId: string): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      store.finishPreviewJob(jobId);
    }, settings.previewJobDelayMs);
    timers.add(timer);
  };
  store.runningJobIds().forEach(startJobClock);
  const resolverContext: ResolverContext = { store, previewJobCreated: startJobClock, quirks: () => quirks };

  const handler = createHandler<IncomingMessage, RequestState, ResolverContext>({
    // graphql-http must run our graphql instance: under a bundler or test runner its own import
    // can load graphql's other build (ESM vs CommonJS), whose classes fail instanceof checks.
    execute,
    getOperationAST,
    parseRequestParams: (req) => parseBody(req.context.record, req.body),
    onSubscribe: (req, params) => {
      const { record, authorized } = req.context;
      if (params.query.length > settings.maxQueryLength) {
        return errorResponse(record, 400, [hasuraJson(queryTooLong(settings.maxQueryLength), '$.query')]);
      }
      let document: DocumentNode;
      try {
        document = parse(params.query, { maxTokens: MAX_TOKENS });
      } catch {
        return errorResponse(record, 200, [hasuraJson(INVALID_QUERY, '$.query')]);
      }
      const operationName = params.operationName ?? undefined;
      const operation = getOperationAST(document, operationName);
      if (!operation) return errorResponse(record, 200, [hasuraJson(noOperation(operationName))]);
      if (operation.operation === 'subscription') return errorResponse(record, 200, [hasuraJson(SUBSCRIPTION_OVER_HTTP)]);
      const fields = rootFields(document, operation);
      record.operationName = operation.name?.value ?? null;
      record.operationType = operation.operation;
      record.fields = fields.map((f) => f.name.value);

      // Decided before anything runs, so that a failed request has written nothing.
      if (random() < faults.errorRate) {
        const fault = SERVER_FAULTS[Math.floor(random() * SERVER_FAULTS.length)] ?? 'server-error';
        record.fault = fault;
        return faultResponse(record, fault);
      }
      if (!authorized) {
        // The anonymous role has no permissions, so for it the root types have no fields at all.
        const denied = fields.find((f) => f.name.value !== '__typename');
        if (denied) {
          const root = operation.operation === 'mutation' ? 'mutation_root' : 'query_root';
          const key = (denied.alias ?? denied.name).value;
          const text = { message: fieldNotFound(denied.name.value, root), code: 'validation-failed' };
          return errorResponse(record, 200, [hasuraJson(text, `$.selectionSet.${key}`)]);
        }
      }
      if (selectionDepth(document, operation) > settings.maxDepth) {
        return errorResponse(record, 200, [hasuraJson(tooDeep(settings.maxDepth))]);
      }
      const { schema, validated } = schemas[quirks.statusFields ? 1 : 0]!;
      const invalid = validated(params.query, () => validate(schema, document));
      if (invalid.length > 0)
        return errorResponse(
          record,
          200,
          invalid.map((e) => toHasuraJson(e, document)),
        );
      return {
        schema,
        document,
        operationName,
        variableValues: params.variables,
        contextValue: resolverContext,
      };
    },
    onOperation: async (req, args, result) => {
      const { record } = req.context;
      if (result.errors?.length)
        return errorResponse(
          record,
          200,
          result.errors.map((e) => toHasuraJson(e, args.document)),
        );
      if (record.operationType === 'mutation' && dataFile) {
        try {
          await dataFile.persisted();
        } catch {
          return errorResponse(record, 200, [serverErrorJson()]);
        }
      }
      return [JSON.stringify({ data: result.data }), { status: 200, statusText: 'OK', headers: JSON_HEADERS }];
    },
  });

  const answer = async (req: IncomingMessage, record: RequestRecord): Promise<HttpResponse> => {
    if (new URL(req.url ?? '/', 'http://emulator').pathname !== '/v1/graphql') {
      return errorResponse(record, 404, [hasuraJson(NOT_FOUND)]);
    }
    if (req.method !== 'POST') {
      const [body, init] = errorResponse(record, 405, [hasuraJson(METHOD_NOT_ALLOWED)]);
      return [body, { ...init, headers: { ...init.headers, allow: 'POST' } }];
    }
    const body = await readBody(req, settings.maxBodyBytes);
    if (body === undefined) return errorResponse(record, 413, [hasuraJson(bodyTooLarge(settings.maxBodyBytes))]);
    const token = /^pat\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
    const request: HttpRequest<IncomingMessage, RequestState> = {
      method: req.method,
      url: req.url ?? '/',
      // Hasura answers application/json whatever the Accept header asks for; graphql-http would
      // otherwise negotiate application/graphql-response+json and answer 4xx to errors.
      headers: { accept: 'application/json' },
      body,
      raw: req,
      context: { record, authorized: token !== undefined && accepted.has(token) },
    };
    return handler(request);
  };

  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const record: RequestRecord = { operationName: null, operationType: null, fields: [] };
    requests.push(record);
    let response: HttpResponse;
    try {
      response = await answer(req, record);
    } catch {
      response = errorResponse(record, 500, [serverErrorJson()]);
    }
    if (faults.latencyMs > 0) await sleep(faults.latencyMs);
    if (record.operationType === 'mutation' && !record.fault && random() < faults.lostAnswerRate) record.fault = 'lost-answer';
    if (record.fault === 'dropped' || record.fault === 'lost-answer') {
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
    setFaults(f) {
      checkFaults(f);
      Object.assign(faults, definedOnly(f));
    },
    setQuirks(q) {
      checkQuirks(q);
      Object.assign(quirks, definedOnly(q));
    },
    close() {
      closing ??= (async () => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await closed;
        await dataFile?.close();
      })();
      return closing;
    },
  };
}

const definedOnly = <T extends object>(o: T): Partial<T> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

/**
 * Clients send the same few documents over and over; validating each once keeps the emulator's
 * CPU per request low in benchmarks and big test runs. Bounded, oldest entry out first.
 */
function memoize<T>(limit: number): (key: string, compute: () => T) => T {
  const cache = new Map<string, T>();
  return (key, compute) => {
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    const value = compute();
    if (cache.size >= limit) cache.delete(cache.keys().next().value!);
    cache.set(key, value);
    return value;
  };
}
