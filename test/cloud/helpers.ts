import { readFileSync } from 'node:fs';
import { buildSchema, getVariableValues, Kind, parse, validate, type OperationDefinitionNode } from 'graphql';
import nock from 'nock';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { CloudClient, type CloudClientOptions, type RequestEvent } from '../../src/cloud/client.js';

export const ORIGIN = 'https://cloud.test';
export const PATH = '/v1/graphql';
export const ENDPOINT = `${ORIGIN}${PATH}`;
export const TOKEN = 'hcr-test-token-7f3a9c5e1d';

export interface SentRequest {
  query: string;
  operationName: string;
  variables: Record<string, unknown>;
}

/** Every GraphQL request the service mock received in the current test, in order. */
export const sent: SentRequest[] = [];

/** Blocks the real network for the file and forgets every mock and request after each test. */
export function useMockService(): void {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => {
    nock.cleanAll();
    sent.length = 0;
  });
  afterAll(() => nock.enableNetConnect());
}

/** One expected POST to the endpoint, carrying the token; the body is recorded in `sent`. */
export function post(): nock.Interceptor {
  return nock(ORIGIN)
    .matchHeader('authorization', `pat ${TOKEN}`)
    .post(PATH, (body: SentRequest) => {
      sent.push(body);
      return true;
    });
}

/** A Hasura-style error answer (HTTP 200). */
export function graphqlError(message: string, code?: string): object {
  return { errors: [{ message, extensions: { path: '$', ...(code ? { code } : {}) } }] };
}

export interface TestClient {
  client: CloudClient;
  /** Every wait the client asked for; waiting advances `clock` instead of time. */
  sleeps: number[];
  events: RequestEvent[];
}

/** A client on the mock service with a fake clock, instant sleeps and jitter fixed at one half. */
export function testClient(options: Partial<CloudClientOptions> = {}): TestClient {
  let clock = 0;
  const sleeps: number[] = [];
  const events: RequestEvent[] = [];
  const client = new CloudClient({
    endpoint: ENDPOINT,
    token: TOKEN,
    now: () => clock,
    random: () => 0.5,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
    onRequest: (event) => events.push(event),
    ...options,
  });
  return { client, sleeps, events };
}

/** The schema subset hcr targets, as the emulator serves it (a verbatim copy of the shared cloud-api.graphql). */
const schema = buildSchema(readFileSync(new URL('../../src/emulator/schema.graphql', import.meta.url), 'utf8'));

/** Whether a document validates against the schema: the messages of its errors. */
export function documentErrors(query: string): string[] {
  return validate(schema, parse(query)).map((e) => e.message);
}

/** The GraphQL errors of a request against the schema: its document, then its variables. */
export function schemaErrors(request: SentRequest): string[] {
  const invalid = documentErrors(request.query);
  if (invalid.length > 0) return invalid;
  const operation = parse(request.query).definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const coerced = getVariableValues(schema, operation?.variableDefinitions ?? [], request.variables ?? {});
  return coerced.errors?.map((e) => e.message) ?? [];
}
