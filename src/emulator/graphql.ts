import type { IncomingMessage } from 'node:http';
import { execute, getOperationAST, parse, validate, type DocumentNode, type ExecutionArgs, type GraphQLError } from 'graphql';
import { createHandler, type Handler, type RequestParams } from 'graphql-http';
import { rootFields, selectionDepth, tenantIdsOf } from './document.js';
import { isRecord } from '../util/records.js';
import { hasuraJson, serverErrorJson, toHasuraJson } from './errors.js';
import type { FaultHooks } from './faults.js';
import { JSON_HEADERS, errorAnswer, faultAnswer, type HttpAnswer, type RequestRecord } from './http.js';
import {
  BODY_NOT_OBJECT,
  INVALID_JSON,
  INVALID_QUERY,
  MISSING_QUERY,
  SUBSCRIPTION_OVER_HTTP,
  badRequestKey,
  fieldNotFound,
  noOperation,
  queryTooLong,
  tooDeep,
} from './messages.js';
import type { Settings } from './options.js';
import { emulatorSchema, type ResolverContext } from './schema.js';

/** What graphql-http carries from the HTTP request to the GraphQL one. */
interface RequestState {
  record: RequestRecord;
  authorized: boolean;
}

/** The resolvers' context, plus the request the operation belongs to. */
type OperationContext = ResolverContext & { record: RequestRecord };

interface GraphqlServing {
  settings: Settings;
  context: ResolverContext;
  faults: FaultHooks;
  /** Resolves once the changes made so far are kept (the data file's `persisted`); absent without one. */
  persisted?: () => Promise<void>;
  /**
   * Told which request's operation runs, then undefined once it has: the resolvers are
   * synchronous, so an operation runs start to end before any other code does.
   */
  running(record: RequestRecord | undefined): void;
}

/** Distinct documents whose validation is remembered. */
const VALIDATION_CACHE_SIZE = 256;
/** Far above any real client's document, low enough that parsing junk stays cheap. */
const MAX_TOKENS = 20_000;

/**
 * Runs a request's GraphQL the way Hasura does: its limits and its error shapes, the anonymous
 * role for a refused token, and the fault hooks' decision taken before anything runs, so that a
 * failed request has written nothing.
 */
export function graphqlHandler(o: GraphqlServing): Handler<IncomingMessage, RequestState> {
  const { settings, context, faults } = o;
  // One validation cache per schema: a document valid against one may not be against the other.
  const schemas = [false, true].map((statusFields) => ({
    schema: emulatorSchema({ statusFields }),
    validated: memoize<readonly GraphQLError[]>(VALIDATION_CACHE_SIZE),
  }));

  return createHandler<IncomingMessage, RequestState, OperationContext>({
    // graphql-http must run our graphql instance: under a bundler or test runner its own import
    // can load graphql's other build (ESM vs CommonJS), whose classes fail instanceof checks.
    execute: (args: ExecutionArgs) => {
      o.running((args.contextValue as OperationContext).record);
      try {
        return execute(args);
      } finally {
        o.running(undefined);
      }
    },
    getOperationAST,
    parseRequestParams: (req) => parseBody(req.context.record, req.body),
    onSubscribe: (req, params) => {
      const { record, authorized } = req.context;
      if (params.query.length > settings.maxQueryLength) {
        return errorAnswer(record, 400, [hasuraJson(queryTooLong(settings.maxQueryLength), '$.query')]);
      }
      let document: DocumentNode;
      try {
        document = parse(params.query, { maxTokens: MAX_TOKENS });
      } catch {
        return errorAnswer(record, 200, [hasuraJson(INVALID_QUERY, '$.query')]);
      }
      const operationName = params.operationName ?? undefined;
      const operation = getOperationAST(document, operationName);
      if (!operation) return errorAnswer(record, 200, [hasuraJson(noOperation(operationName))]);
      if (operation.operation === 'subscription') return errorAnswer(record, 200, [hasuraJson(SUBSCRIPTION_OVER_HTTP)]);
      const fields = rootFields(document, operation);
      record.operationName = operation.name?.value ?? null;
      record.operationType = operation.operation;
      record.fields = fields.map((f) => f.name.value);

      const variables = params.variables ?? {};
      const fault = faults.decide({
        operationName: record.operationName,
        operationType: operation.operation,
        fields: record.fields,
        variables,
        tenantIds: tenantIdsOf(fields, variables),
      });
      if (fault !== undefined) {
        record.fault = fault;
        const answer = faultAnswer(record, fault);
        if (answer) return answer;
      }
      if (!authorized) {
        // The anonymous role has no permissions, so for it the root types have no fields at all.
        const denied = fields.find((f) => f.name.value !== '__typename');
        if (denied) {
          const root = operation.operation === 'mutation' ? 'mutation_root' : 'query_root';
          const key = (denied.alias ?? denied.name).value;
          const text = { message: fieldNotFound(denied.name.value, root), code: 'validation-failed' };
          return errorAnswer(record, 200, [hasuraJson(text, `$.selectionSet.${key}`)]);
        }
      }
      if (selectionDepth(document, operation) > settings.maxDepth) {
        return errorAnswer(record, 200, [hasuraJson(tooDeep(settings.maxDepth))]);
      }
      const { schema, validated } = schemas[context.quirks().statusFields ? 1 : 0]!;
      const invalid = validated(params.query, () => validate(schema, document));
      if (invalid.length > 0)
        return errorAnswer(
          record,
          200,
          invalid.map((e) => toHasuraJson(e, document)),
        );
      const contextValue: OperationContext = { ...context, record };
      return { schema, document, operationName, variableValues: params.variables, contextValue };
    },
    onOperation: async (req, args, result) => {
      const { record } = req.context;
      if (result.errors?.length)
        return errorAnswer(
          record,
          200,
          result.errors.map((e) => toHasuraJson(e, args.document)),
        );
      if (record.operationType === 'mutation' && o.persisted) {
        try {
          await o.persisted();
        } catch {
          return errorAnswer(record, 200, [serverErrorJson()]);
        }
      }
      return [JSON.stringify({ data: result.data }), { status: 200, statusText: 'OK', headers: JSON_HEADERS }];
    },
  });
}

function parseBody(record: RequestRecord, body: unknown): RequestParams | HttpAnswer {
  let data: unknown;
  try {
    data = JSON.parse(String(body));
  } catch {
    return errorAnswer(record, 400, [hasuraJson(INVALID_JSON)]);
  }
  if (!isRecord(data)) return errorAnswer(record, 400, [hasuraJson(BODY_NOT_OBJECT)]);
  const { query, variables, operationName } = data;
  if (query === undefined || query === null) return errorAnswer(record, 400, [hasuraJson(MISSING_QUERY)]);
  if (typeof query !== 'string') return errorAnswer(record, 400, [hasuraJson(badRequestKey('query', 'String'))]);
  if (variables != null && !isRecord(variables)) {
    return errorAnswer(record, 400, [hasuraJson(badRequestKey('variables', 'Object'))]);
  }
  if (operationName != null && typeof operationName !== 'string') {
    return errorAnswer(record, 400, [hasuraJson(badRequestKey('operationName', 'String'))]);
  }
  return {
    query,
    variables: (variables ?? undefined) as Record<string, unknown> | undefined,
    operationName: operationName ?? undefined,
  };
}

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
