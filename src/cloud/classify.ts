import { ClientError } from 'graphql-request';
import type { Redactor } from '../util/redact.js';
import { isRecord } from '../util/records.js';
import { CloudError, type CloudErrorKind } from './errors.js';
import { AnswerTooLarge, TransportFailure } from './transport.js';

/** What classification needs to know about the attempt that failed. */
export interface FailedAttempt {
  operation: string;
  mutation: boolean;
  /** The sensitive values (the token among them) to mask in what the service says: it may echo what it was sent. */
  secrets: Redactor;
  host: string;
  timeoutMs: number;
}

interface ServiceError {
  message: string;
  code?: string;
}

/** Transport failures after which the request certainly never reached the service. */
const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

const NETWORK_WORDS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_SOCKET: 'connection closed',
};

/**
 * The one place where a failed request becomes a typed CloudError. Messages are built from the
 * service's `errors[].message`, with every sensitive value masked in it, and the operation name
 * only: never from graphql-request's own message (it embeds the request and its variables), never
 * with a header.
 */
export function classify(err: unknown, attempt: FailedAttempt): CloudError {
  if (err instanceof TransportFailure) return transportError(err, attempt);
  if (err instanceof AnswerTooLarge) {
    // Cut off unread: for a mutation, whether it was made is unknown until the project is read back.
    const text = `the answer was larger than ${bytes(err.limit)}, the most hcr reads of one answer, so its reading was stopped`;
    return failure('service', attempt, text, { maybeApplied: true });
  }
  if (err instanceof ClientError) return answerError(err.response, attempt);
  return failure('service', attempt, 'the answer is not a GraphQL response');
}

/** Hasura's `errors[]` (HTTP 200) to a kind; see docs/hasura-cloud-api.md for the shapes and wordings known. */
function kindOf({ message, code }: ServiceError): CloudErrorKind {
  if (code === 'validation-failed') {
    return /not found in type: '(query|mutation)_root'/.test(message) ? 'not-authorized' : 'service';
  }
  if (code === 'GenericServerError') return 'server';
  if (/nothing changed in config/i.test(message)) return 'nothing-changed';
  if (/maintenance/i.test(message)) return 'maintenance';
  // Only words that say the hash sent is not the current one: apply reads a conflict as proof that nothing was written.
  if (code === 'conflict' || (/hash/i.test(message) && /stale|mismatch|outdated|conflict/i.test(message))) return 'conflict';
  if (code === 'not-exists' || code === 'not-found' || /not found|does not exist|doesn't exist/i.test(message)) return 'not-found';
  return 'service';
}

function answerError(response: ClientError['response'], attempt: FailedAttempt): CloudError {
  const { status } = response;
  const errors = serviceErrors(response.errors);
  const said = errors.map((e) => attempt.secrets.mask(e.message)).join('; ');
  const httpText = `HTTP ${status} from the service${said ? `: ${said}` : ''}`;

  if (status === 429 || status >= 500) {
    const retryAfterMs = retryAfter(response.headers);
    return failure('server', attempt, httpText, {
      status,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      maybeApplied: status !== 429,
    });
  }
  if (status >= 300 && status < 400) {
    const text = `HTTP ${status}: the endpoint redirects elsewhere, and hcr sends the token and the request only where --endpoint says; set it to the final URL`;
    return failure('service', attempt, text, { status });
  }
  if (status === 401 || status === 403) {
    return failure('not-authorized', attempt, `the access token was refused (HTTP ${status})`, { status });
  }
  const first = errors[0];
  const graphqlAnswer = (status >= 200 && status < 300) || status === 400;
  if (!first || !graphqlAnswer) return failure('service', attempt, httpText, { status });

  const kind = kindOf(first);
  const text =
    kind === 'not-authorized' ? `the access token was refused or lacks access to ${attempt.operation} (the service said: ${said})` : said;
  return failure(kind, attempt, text, {
    ...(status === 200 ? {} : { status }),
    ...(first.code === undefined ? {} : { code: first.code }),
    maybeApplied: kind === 'server',
  });
}

function transportError(err: TransportFailure, attempt: FailedAttempt): CloudError {
  if (err.timedOut) {
    return failure('timeout', attempt, `no answer from ${attempt.host} within ${duration(attempt.timeoutMs)}`, { maybeApplied: true });
  }
  const code = errorCode(err.reason);
  const words = code === undefined ? 'connection failed' : `${NETWORK_WORDS[code] ?? 'connection failed'} (${code})`;
  return failure('network', attempt, `request to ${attempt.host} failed: ${words}`, {
    maybeApplied: code === undefined || !NEVER_SENT.has(code),
  });
}

/** `maybeApplied` only means something for a mutation (its message then says so); a query's error never carries it. */
function failure(kind: CloudErrorKind, attempt: FailedAttempt, text: string, details: CloudError['details'] = {}): CloudError {
  const { maybeApplied, ...rest } = details;
  const applied = attempt.mutation && maybeApplied === true;
  return new CloudError(
    kind,
    attempt.operation,
    `${attempt.operation} failed: ${text}`,
    attempt.mutation ? { ...rest, maybeApplied: applied } : rest,
  );
}

function serviceErrors(raw: unknown): ServiceError[] {
  const list: unknown[] = Array.isArray(raw) ? raw : raw === undefined || raw === null ? [] : [raw];
  return list.map((entry) => {
    const error = isRecord(entry) ? entry : {};
    const extensions = isRecord(error.extensions) ? error.extensions : {};
    return {
      message: typeof error.message === 'string' ? error.message : 'an error without a message',
      ...(typeof extensions.code === 'string' ? { code: extensions.code } : {}),
    };
  });
}

function retryAfter(headers: Headers): number | undefined {
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function errorCode(reason: unknown): string | undefined {
  for (let current = reason, depth = 0; isRecord(current) && depth < 5; current = current.cause, depth++) {
    if (typeof current.code === 'string') return current.code;
  }
  return undefined;
}

function bytes(n: number): string {
  return n >= 1024 * 1024 ? `${Math.round((n / 1024 / 1024) * 10) / 10} MiB` : `${n} bytes`;
}

function duration(ms: number): string {
  return ms < 1000 ? `${ms}ms` : `${Math.round(ms / 100) / 10}s`;
}
