import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';

/** A request that got no complete HTTP answer: the connection failed, or the attempt's signal fired. */
export class TransportFailure extends Error {
  override name = 'TransportFailure';
  constructor(
    readonly reason: unknown,
    readonly timedOut: boolean,
  ) {
    super(timedOut ? 'the request timed out' : 'the request got no answer');
  }
}

/** What the service answered, when it is not data: an HTTP error status, or GraphQL errors. */
export interface FailedAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  /** The answer's `errors`, when it is a GraphQL response. */
  errors?: unknown;
  /** The answer's `data`, when it is a GraphQL response: what a batched read with errors still answered. */
  data?: unknown;
}

/** An answer that is an HTTP error or carries GraphQL errors. */
export class AnswerError extends Error {
  override name = 'AnswerError';
  constructor(readonly response: FailedAnswer) {
    super(`the service answered HTTP ${response.status}${response.errors === undefined ? '' : ' with GraphQL errors'}`);
  }
}

/** A successful HTTP answer whose body is not a GraphQL response. */
export class NotGraphQL extends Error {
  override name = 'NotGraphQL';
}

export interface GraphQLRequest {
  endpoint: URL;
  token: string;
  operationName: string;
  query: string;
  variables: Record<string, unknown>;
  signal: AbortSignal;
}

/**
 * POSTs one GraphQL request (as GraphQL over HTTP says: JSON in, JSON out) and resolves to its
 * `data`. node:http rather than fetch: undici, which fetch loads, cost some 100 ms of CPU to
 * start and to run a plan's first two requests, more than the rest of the plan. The whole body
 * is read before anything is decided, so every failure on the wire (connecting, sending, or a
 * reset or timeout while the body streams in) is a TransportFailure; an AnswerError or NotGraphQL
 * concerns what the service answered. Redirects are never followed: the token and the variables
 * go only where the endpoint says.
 */
export async function postGraphQL(request: GraphQLRequest): Promise<unknown> {
  const body = JSON.stringify({ query: request.query, variables: request.variables, operationName: request.operationName });
  let answer: { status: number; headers: IncomingHttpHeaders; text: string };
  try {
    answer = await post(request, body);
  } catch (err) {
    throw new TransportFailure(err, request.signal.aborted);
  }
  const { status, headers, text } = answer;
  const result = parseResult(text, headers['content-type']);
  const ok = status >= 200 && status < 300;
  if (!ok) throw new AnswerError({ status, headers, ...(result ?? {}) });
  if (!result) throw new NotGraphQL('the answer is not a GraphQL response');
  if (Array.isArray(result.errors) ? result.errors.length > 0 : result.errors !== undefined)
    throw new AnswerError({ status, headers, ...result });
  return result.data;
}

function post(request: GraphQLRequest, body: string): Promise<{ status: number; headers: IncomingHttpHeaders; text: string }> {
  const { endpoint, signal } = request;
  const send = endpoint.protocol === 'https:' ? https.request : http.request;
  return new Promise((resolve, reject) => {
    const outgoing = send(
      endpoint,
      {
        method: 'POST',
        signal,
        headers: {
          accept: 'application/graphql-response+json, application/json',
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          authorization: `pat ${request.token}`,
        },
      },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('error', reject);
        incoming.on('aborted', () => reject(new Error('the answer was cut off')));
        incoming.on('end', () =>
          resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, text: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** The `data` and `errors` of a GraphQL response, or undefined when the text is not one. */
function parseResult(text: string, contentType: string | undefined): { data?: unknown; errors?: unknown } | undefined {
  if (!/\bjson\b/i.test(contentType ?? '')) return undefined;
  let result: unknown;
  try {
    result = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isPlainObject(result)) return undefined;
  const { data, errors } = result;
  if (errors !== undefined && !Array.isArray(errors) && !isPlainObject(errors)) return undefined;
  if (data !== undefined && data !== null && !isPlainObject(data)) return undefined;
  return { ...(data === undefined ? {} : { data }), ...(errors === undefined ? {} : { errors }) };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
