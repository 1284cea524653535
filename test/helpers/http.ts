import http, { type ClientRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { Readable } from 'node:stream';
import { vi } from 'vitest';

/**
 * Watches hcr's requests over node:http (as src/cloud/transport.ts sends them): every request
 * body is recorded in `bodies`, and every answer's body passes through `rewrite` before hcr reads
 * it. vi.restoreAllMocks() ends it.
 */
export function watchHttp(rewrite: (body: string) => string = (body) => body): { bodies: string[] } {
  const bodies: string[] = [];
  const request = http.request;
  const watched = (url: URL, options: RequestOptions, answered: (incoming: IncomingMessage) => void): ClientRequest => {
    const outgoing = request(url, options, (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () => {
        const body = Readable.from([Buffer.from(rewrite(Buffer.concat(chunks).toString('utf8')))]);
        answered(Object.assign(body, { statusCode: incoming.statusCode, headers: incoming.headers }) as unknown as IncomingMessage);
      });
    });
    const end = outgoing.end.bind(outgoing);
    outgoing.end = ((body: string) => {
      bodies.push(body);
      return end(body);
    }) as typeof outgoing.end;
    return outgoing;
  };
  vi.spyOn(http, 'request').mockImplementation(watched as unknown as typeof http.request);
  return { bodies };
}
