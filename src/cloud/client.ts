import { setTimeout as sleep } from 'node:timers/promises';
import { ClientError, GraphQLClient } from 'graphql-request';
import { Fields, readJob, readProject, readTenantEnv, readTenantStatus } from './answers.js';
import { classify } from './classify.js';
import { CloudError, type CloudErrorKind } from './errors.js';
import {
  CREATE_GITHUB_PREVIEW_APP,
  CREATE_TENANT,
  DELETE_TENANT,
  DELETE_TENANT_ENV,
  FIND_PROJECTS,
  FIND_PROJECTS_BY_NAME,
  GET_JOB,
  GET_PROJECT,
  GET_TENANT_ENV,
  GET_TENANT_STATUSES,
  LIST_PROJECTS,
  LIST_PROJECTS_IN_REGION,
  getTenantEnvs,
  UPDATE_TENANT_ENV,
  UPDATE_TENANT_NAME,
  type Operation,
} from './operations.js';
import { cappedFetch, MAX_ANSWER_BYTES } from './transport.js';
import { Redactor } from '../util/redact.js';
import { isRecord } from '../util/records.js';
import type { CreatedTenant, CreateTenantInput, Job, PreviewAppInput, ProjectRef, TenantEnv, TenantStatus } from './types.js';

/** One HTTP attempt, for `--verbose`: names and timing only, never variables or headers. */
export interface RequestEvent {
  operation: string;
  attempt: number;
  /** The most attempts this call may make (1 for a mutation). */
  maxAttempts: number;
  ms: number;
  /** `partial`: a batched read answered, but some of its reads failed (they are sent again alone). */
  outcome: 'ok' | 'partial' | CloudErrorKind;
  /** For a batched read: how many tenants it carried. */
  batch?: number;
  /** Set when the call tries again after waiting this long. */
  retryInMs?: number;
}

export interface CloudClientOptions {
  endpoint: string;
  token: string;
  /** Limit for one HTTP attempt. Default 30 s. */
  timeoutMs?: number;
  /** Further attempts of a read after a `network`, `timeout` or `server` failure. Default 4. Writes are never repeated. */
  retries?: number;
  /**
   * Limit for one call, every attempt and wait included. Default 60 s, or twice the attempt's
   * timeout when that is longer (once the timeout when no retry is allowed): a --timeout above
   * 60 s is then given in full, and one retry with it.
   */
  deadlineMs?: number;
  /** The most bytes one answer may have (MAX_ANSWER_BYTES by default); past it, reading stops with a `service` error. */
  maxAnswerBytes?: number;
  /** Exponential backoff with full jitter: a wait drawn from [0, min(cap, base * 2^(attempt-1))]. Default 200 ms. */
  backoffBaseMs?: number;
  /** Default 5 s. A `Retry-After` from the service is honoured instead, within the deadline. */
  backoffCapMs?: number;
  onRequest?: (event: RequestEvent) => void;
  /** Refuse every mutation before it is sent: what `hcr drift` runs with. */
  readOnly?: boolean;
  /** The sensitive values of this run, masked in what the service says; the token is added to them. */
  secrets?: Redactor;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** A monotonic clock in milliseconds. */
  now?: () => number;
}

/** Names or tenant ids per lookup request: one request for a whole configuration up to this size. */
const LOOKUP_CHUNK = 500;

/**
 * The one client of the Hasura Cloud API. Every operation goes through one request path that
 * times out each attempt, retries reads (never writes) on transient failures, and turns every
 * failure into a CloudError.
 */
export class CloudClient {
  readonly #graphql: GraphQLClient;
  readonly #host: string;
  readonly #timeoutMs: number;
  readonly #retries: number;
  readonly #deadlineMs: number;
  readonly #backoffBaseMs: number;
  readonly #backoffCapMs: number;
  readonly #onRequest: ((event: RequestEvent) => void) | undefined;
  readonly #readOnly: boolean;
  readonly #secrets: Redactor;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #random: () => number;
  readonly #now: () => number;

  constructor(options: CloudClientOptions) {
    this.#host = new URL(options.endpoint).host;
    this.#graphql = new GraphQLClient(options.endpoint, {
      headers: { authorization: `pat ${options.token}` },
      fetch: cappedFetch(options.maxAnswerBytes ?? MAX_ANSWER_BYTES),
      redirect: 'manual',
    });
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#retries = options.retries ?? 4;
    this.#deadlineMs = options.deadlineMs ?? Math.max(60_000, this.#timeoutMs * Math.min(this.#retries + 1, 2));
    this.#backoffBaseMs = options.backoffBaseMs ?? 200;
    this.#backoffCapMs = options.backoffCapMs ?? 5_000;
    this.#onRequest = options.onRequest;
    this.#readOnly = options.readOnly ?? false;
    this.#secrets = options.secrets ?? new Redactor();
    this.#secrets.add(options.token);
    this.#sleep = options.sleep ?? ((ms) => sleep(ms));
    this.#random = options.random ?? Math.random;
    this.#now = options.now ?? (() => performance.now());
  }

  /** Every project with one of these names, in one request when all exist (see #lookup). */
  findProjectsByName(names: string[]): Promise<ProjectRef[]> {
    return this.#lookup(FIND_PROJECTS_BY_NAME, { names });
  }

  /** Every project with one of these names or whose tenant has one of these ids, in one request. */
  findProjects(query: { names: string[]; tenantIds: string[] }): Promise<ProjectRef[]> {
    return query.tenantIds.length === 0 ? this.findProjectsByName(query.names) : this.#lookup(FIND_PROJECTS, query);
  }

  listProjects(): Promise<ProjectRef[]> {
    return this.#call(LIST_PROJECTS, {}, (data) => data.list('projects').map(readProject));
  }

  /** Every project whose tenant is in this region, newest first. */
  listProjectsInRegion(region: string): Promise<ProjectRef[]> {
    return this.#call(LIST_PROJECTS_IN_REGION, { region }, (data) => data.list('projects').map(readProject));
  }

  /** The undocumented status fields of these tenants (see GET_TENANT_STATUSES), one request per LOOKUP_CHUNK. */
  async getTenantStatuses(tenantIds: readonly string[]): Promise<TenantStatus[]> {
    const statuses: TenantStatus[] = [];
    for (let start = 0; start < tenantIds.length; start += LOOKUP_CHUNK) {
      const ids = tenantIds.slice(start, start + LOOKUP_CHUNK);
      statuses.push(...(await this.#call(GET_TENANT_STATUSES, { ids }, (data) => data.list('tenant').map(readTenantStatus))));
    }
    return statuses;
  }

  getProject(projectId: string): Promise<ProjectRef | null> {
    return this.#call(GET_PROJECT, { id: projectId }, (data) => {
      const project = data.nullableObject('projects_by_pk');
      return project && readProject(project);
    });
  }

  getTenantEnv(tenantId: string): Promise<TenantEnv> {
    return this.#call(GET_TENANT_ENV, { tenantId }, (data) => readTenantEnv(data.object('getTenantEnv')));
  }

  /**
   * Several tenants' envs in one request, one settled result per id, in order. A read that failed
   * inside the answer, or that the answer lacks or gives malformed, is sent again alone through
   * getTenantEnv (with its retries); so is every read of a request that failed as a whole (after
   * its own retries), as a service may refuse the whole request for one bad read. A refused token
   * fails the call at once.
   */
  async getTenantEnvs(tenantIds: readonly string[]): Promise<PromiseSettledResult<TenantEnv>[]> {
    let answers: (TenantEnv | undefined)[] = [];
    if (tenantIds.length > 1) {
      const operation = getTenantEnvs(tenantIds.length);
      const variables = Object.fromEntries(operation.aliases.map((alias, i) => [alias, tenantIds[i]]));
      try {
        answers = await this.#call(operation, variables, (data) => operation.aliases.map((alias) => aliasAnswer(data, alias)));
      } catch (err) {
        if (!(err instanceof CloudError) || err.kind === 'not-authorized') throw err;
      }
    }
    const results: PromiseSettledResult<TenantEnv>[] = [];
    // One at a time, so that a batch never has more requests in flight than the one it replaces.
    for (const [i, tenantId] of tenantIds.entries()) {
      const answer = answers[i];
      if (answer) {
        results.push({ status: 'fulfilled', value: answer });
        continue;
      }
      try {
        results.push({ status: 'fulfilled', value: await this.getTenantEnv(tenantId) });
      } catch (err) {
        if (err instanceof CloudError && err.kind === 'not-authorized') throw err;
        results.push({ status: 'rejected', reason: err });
      }
    }
    return results;
  }

  /** Adds or changes only the keys given; `currentHash` must be the hash last read. */
  updateTenantEnv(tenantId: string, currentHash: string, env: Record<string, string>): Promise<TenantEnv> {
    return this.#call(UPDATE_TENANT_ENV, { tenantId, currentHash, envs: keyValues(env) }, (data) =>
      readTenantEnv(data.object('updateTenantEnv')),
    );
  }

  deleteTenantEnv(tenantId: string, currentHash: string, keys: string[]): Promise<TenantEnv> {
    return this.#call(DELETE_TENANT_ENV, { tenantId, currentHash, deleteEnvs: keys }, (data) =>
      readTenantEnv(data.object('deleteTenantEnv')),
    );
  }

  /** With an empty `envs` none is sent: the service has been seen to fail a create that carries any (docs/hasura-cloud-api.md). */
  createTenant(input: CreateTenantInput): Promise<CreatedTenant> {
    const envs = Object.keys(input.envs).length > 0 ? keyValues(input.envs) : undefined;
    const variables = { cloud: input.cloud, region: input.region, plan: input.billingPlan, name: input.name, envs };
    return this.#call(CREATE_TENANT, variables, (data) => {
      const created = data.object('createTenant');
      return { tenantId: created.string('id'), name: created.string('name') };
    });
  }

  deleteTenant(tenantId: string): Promise<{ status: string }> {
    return this.#call(DELETE_TENANT, { tenantId }, (data) => ({ status: data.object('deleteTenant').string('status') }));
  }

  async updateTenantName(tenantId: string, name: string): Promise<void> {
    await this.#call(UPDATE_TENANT_NAME, { tenantId, name }, (data) => data.object('updateTenantName').string('tenant_id'));
  }

  createGitHubPreviewApp(payload: PreviewAppInput): Promise<{ jobId: string }> {
    // A credential, whoever calls this.
    this.#secrets.add(payload.githubPersonalAccessToken);
    return this.#call(CREATE_GITHUB_PREVIEW_APP, { payload }, (data) => ({
      jobId: data.object('createGitHubPreviewApp').string('githubPreviewAppJobID'),
    }));
  }

  getJob(jobId: string): Promise<Job | null> {
    return this.#call(GET_JOB, { id: jobId }, (data) => {
      const job = data.nullableObject('jobs_by_pk');
      return job && readJob(job);
    });
  }

  /**
   * Asks for every name (and tenant id) in requests of at most LOOKUP_CHUNK of each, then asks
   * again for those not found, until a pass finds none of them: a service that caps how many rows
   * one answer holds is then paged through, instead of taken to say that projects do not exist.
   * When every project exists that is one pass; otherwise one more request, answered empty.
   */
  async #lookup(operation: Operation, query: { names: string[]; tenantIds?: string[] }): Promise<ProjectRef[]> {
    const found = new Map<string, ProjectRef>();
    let names = [...new Set(query.names)];
    let tenantIds = query.tenantIds && [...new Set(query.tenantIds)];
    while (names.length + (tenantIds?.length ?? 0) > 0) {
      const asked = names.length + (tenantIds?.length ?? 0);
      for (let start = 0; start < Math.max(names.length, tenantIds?.length ?? 0); start += LOOKUP_CHUNK) {
        const variables = {
          names: names.slice(start, start + LOOKUP_CHUNK),
          ...(tenantIds ? { tenantIds: tenantIds.slice(start, start + LOOKUP_CHUNK) } : {}),
        };
        const projects = await this.#call(operation, variables, (data) => data.list('projects').map(readProject));
        for (const project of projects) found.set(project.id, project);
      }
      const foundNames = new Set([...found.values()].map((p) => p.name));
      const foundTenants = new Set([...found.values()].map((p) => p.tenant?.id));
      names = names.filter((name) => !foundNames.has(name));
      tenantIds = tenantIds?.filter((id) => !foundTenants.has(id));
      if (names.length + (tenantIds?.length ?? 0) === asked) break;
    }
    return [...found.values()];
  }

  /** The one request path: every operation's every attempt goes through here. */
  async #call<T>(operation: Operation, variables: Record<string, unknown>, read: (data: Fields) => T): Promise<T> {
    if (operation.mutation && this.#readOnly) {
      throw new Error(`${operation.name} is a mutation, and this client is read-only`);
    }
    const maxAttempts = operation.mutation ? 1 : this.#retries + 1;
    const deadline = this.#now() + this.#deadlineMs;
    for (let attempt = 1; ; attempt++) {
      const started = this.#now();
      const timeoutMs = Math.max(1, Math.min(this.#timeoutMs, Math.round(deadline - started)));
      const report = (outcome: RequestEvent['outcome'], retryInMs?: number) =>
        this.#onRequest?.({
          operation: operation.name,
          attempt,
          maxAttempts,
          ms: Math.round(this.#now() - started),
          outcome,
          ...(operation.batch === undefined ? {} : { batch: operation.batch }),
          ...(retryInMs === undefined ? {} : { retryInMs }),
        });
      let data: unknown;
      try {
        data = await this.#graphql.request({ document: operation.document, variables, signal: AbortSignal.timeout(timeoutMs) });
      } catch (err) {
        const error = classify(err, {
          operation: operation.name,
          mutation: operation.mutation,
          secrets: this.#secrets,
          host: this.#host,
          timeoutMs,
        });
        const partial = operation.batch !== undefined && error.kind !== 'not-authorized' ? partialData(err) : undefined;
        if (partial !== undefined) {
          report('partial');
          return read(Fields.root(operation.name, partial));
        }
        const retryInMs = attempt < maxAttempts ? this.#retryDelay(error, attempt, deadline) : undefined;
        report(error.kind, retryInMs);
        if (retryInMs === undefined) throw attempt > 1 ? gaveUp(error, attempt) : error;
        await this.#sleep(retryInMs);
        continue;
      }
      report('ok');
      return read(Fields.root(operation.name, data));
    }
  }

  #retryDelay(error: CloudError, attempt: number, deadline: number): number | undefined {
    if (!error.transient) return undefined;
    const backoff = Math.min(this.#backoffCapMs, this.#backoffBaseMs * 2 ** (attempt - 1));
    const delay = error.details.retryAfterMs ?? Math.round(this.#random() * backoff);
    return this.#now() + delay < deadline ? delay : undefined;
  }
}

/**
 * The `data` of an answer that also has `errors` (graphql-js answers so when some root fields
 * fail): the fields that did not fail are good answers. Hasura answers such a request with
 * `errors` alone, which leaves nothing to keep.
 */
function partialData(err: unknown): object | undefined {
  if (!(err instanceof ClientError)) return undefined;
  const { status, data } = err.response;
  return status >= 200 && status < 300 && isRecord(data) ? data : undefined;
}

/** One alias's env, or undefined when it is missing, null or malformed (the read is then sent alone). */
function aliasAnswer(data: Fields, alias: string): TenantEnv | undefined {
  try {
    return readTenantEnv(data.object(alias));
  } catch (err) {
    if (err instanceof CloudError) return undefined;
    throw err;
  }
}

function gaveUp(error: CloudError, attempts: number): CloudError {
  return new CloudError(error.kind, error.operation, `${error.settledMessage} (gave up after ${attempts} attempts)`, {
    ...error.details,
    attempts,
  });
}

function keyValues(env: Record<string, string>): { key: string; value: string }[] {
  return Object.entries(env).map(([key, value]) => ({ key, value }));
}
