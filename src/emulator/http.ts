import type { IncomingMessage } from 'node:http';
import type { Response as HttpAnswer } from 'graphql-http';
import { errorsBody, hasuraJson, serverErrorJson, type HasuraErrorJson } from './errors.js';
import type { Fault } from './faults.js';
import { StoreError } from './records.js';

export type { HttpAnswer };

/** What the emulator remembers of one HTTP request (`Emulator.requests`). */
export interface RequestRecord {
  operationName: string | null;
  operationType: 'query' | 'mutation' | null;
  /** Root field names (not aliases) of the operation, in document order. */
  fields: string[];
  fault?: Fault;
  /** `extensions.code` of the first error answered, when the answer was an error. */
  errorCode?: string;
}

export const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

export const errorAnswer = (record: RequestRecord, status: number, errors: HasuraErrorJson[]): HttpAnswer => {
  record.errorCode = errors[0]?.extensions.code;
  return [errorsBody(errors), { status, statusText: '', headers: JSON_HEADERS }];
};

/** The answer of a fault that stops a request before it runs; undefined for the others. */
export function faultAnswer(record: RequestRecord, fault: Fault): HttpAnswer | undefined {
  if (typeof fault === 'object')
    return 'refuse' in fault ? errorAnswer(record, 200, [hasuraJson(new StoreError(fault.refuse))]) : undefined;
  switch (fault) {
    case 'http-502':
      return ['502 Bad Gateway\n', { status: 502, statusText: 'Bad Gateway', headers: { 'content-type': 'text/plain' } }];
    case 'http-503':
      return ['503 Service Unavailable\n', { status: 503, statusText: 'Service Unavailable', headers: { 'content-type': 'text/plain' } }];
    case 'dropped':
      // Nothing is sent: the server destroys the socket when it sees the fault.
      return [null, { status: 200, statusText: '' }];
    case 'server-error':
      return errorAnswer(record, 200, [serverErrorJson()]);
    case 'lost-answer':
      return undefined;
  }
}

/** Whether the connection closes with no answer. */
export const unanswered = (fault: Fault | undefined): boolean => fault === 'dropped' || fault === 'lost-answer';

/** Reads the body, never holding more than `max` bytes; undefined when it is larger. */
export async function readBody(req: IncomingMessage, max: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= max) chunks.push(chunk);
  }
  return size <= max ? Buffer.concat(chunks).toString('utf8') : undefined;
}
