import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { onTestFinished } from 'vitest';

/**
 * A service in front of `upstream` that answers the requests `says` has words for with a
 * Hasura-style error carrying those words (which may repeat the request), and passes the rest on.
 */
export async function sayingService(
  upstream: string,
  says: (request: { operation: string; body: string; authorization: string }) => string | undefined,
): Promise<string> {
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    req.on('end', async () => {
      const { operationName = '' } = JSON.parse(body) as { operationName?: string };
      const message = says({ operation: operationName, body, authorization: req.headers.authorization ?? '' });
      if (message !== undefined) {
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ errors: [{ message, extensions: { code: 'unexpected' } }] }));
        return;
      }
      const answer = await fetch(upstream, {
        method: 'POST',
        headers: { authorization: req.headers.authorization ?? '', 'content-type': 'application/json' },
        body,
      });
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(await answer.text());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/graphql`;
}
