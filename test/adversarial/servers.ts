import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { onTestFinished } from 'vitest';

/** An answer a test server gives: status, body and headers. */
export interface Answer {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

/** An answer, or a function that writes one itself (slowly, endlessly, ...). */
export type Reply = Answer | ((res: ServerResponse) => void);

export interface LocalServer {
  /** The GraphQL endpoint to give hcr: `http://127.0.0.1:PORT/v1/graphql`. */
  url: string;
  /** The operation names of the requests received, in order. */
  operations: string[];
}

type Handler = (req: IncomingMessage, res: ServerResponse, request: { operation: string; body: string }) => void | Promise<void>;

/** An HTTP server on 127.0.0.1 (a free port), closed when the test finishes, that reads each request before handing it on. */
export async function localServer(handler: Handler): Promise<LocalServer> {
  const operations: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const operation = operationOf(body);
      operations.push(operation);
      Promise.resolve(handler(req, res, { operation, body })).catch((err: unknown) => {
        res.destroy(err instanceof Error ? err : new Error(String(err)));
      });
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  onTestFinished(
    () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/graphql`, operations };
}

function operationOf(body: string): string {
  try {
    return String((JSON.parse(body) as { operationName?: unknown }).operationName ?? '');
  } catch {
    return '';
  }
}

/**
 * A server in front of `target` (the emulator) that hands each request to `answer` with the
 * operation's name and a `forward` that sends it on: whatever `answer` returns is what hcr gets,
 * so a test decides whether a write reaches the emulator and what hcr is told about it.
 */
export async function badProxy(
  target: string,
  answer: (operation: string, forward: () => Promise<Answer>) => Promise<Reply> | Reply,
): Promise<LocalServer> {
  return localServer(async (req, res, { operation, body }) => {
    const forward = async (): Promise<Answer> => {
      const response = await fetch(target, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: req.headers.authorization ?? '' },
        body,
      });
      return { status: response.status, body: await response.text(), headers: { 'content-type': 'application/json' } };
    };
    const reply = await answer(operation, forward);
    if (typeof reply === 'function') return reply(res);
    const { status, body: text, headers = { 'content-type': 'application/json' } } = reply;
    res.writeHead(status, headers).end(text);
  });
}

/** A GraphQL error answer (HTTP 200), as Hasura gives them. */
export const graphqlError = (message: string, code?: string): Answer => ({
  status: 200,
  body: JSON.stringify({ errors: [{ message, ...(code === undefined ? {} : { extensions: { code } }) }] }),
});

/**
 * An answer that never ends: JSON whitespace, 1 MiB at a time, for as long as the client reads
 * (up to `most` bytes, then it ends as if it were a whole answer). `sent` counts what was written.
 */
export function endlessAnswer(sent: { bytes: number }, options: { contentLength?: number; most?: number } = {}) {
  const most = options.most ?? 1024 ** 3;
  return (res: ServerResponse): void => {
    res.writeHead(200, {
      'content-type': 'application/json',
      ...(options.contentLength === undefined ? {} : { 'content-length': String(options.contentLength) }),
    });
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    const pump = (): void => {
      while (!res.destroyed && sent.bytes < most) {
        sent.bytes += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      if (!res.destroyed) res.end('{}');
    };
    pump();
  };
}
