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

/** An answer longer than the client reads: its reading was stopped at `limit` bytes. */
export class AnswerTooLarge extends Error {
  override name = 'AnswerTooLarge';
  constructor(readonly limit: number) {
    super(`the answer is larger than ${limit} bytes`);
  }
}

/**
 * The most bytes one answer may have: 64 MiB. The largest answers hcr asks for are batched env
 * reads of up to 100 projects (--batch-size), which at 500 KiB of env each (hundreds of keys, or
 * dozens of certificates and JWKs) come to 50 MiB. A batch past it is read again one project at a
 * time, each well within it. Anything larger is not an answer to these requests, and reading it
 * in full could take all the memory of a CI runner.
 */
export const MAX_ANSWER_BYTES = 64 * 1024 * 1024;

const NULL_BODY_STATUSES = new Set([204, 205, 304]);

/**
 * The fetch given to graphql-request: it reads the whole body, of at most `limit` bytes, before
 * returning, so every failure on the wire (connecting, sending, or a reset or timeout while the
 * body streams in) surfaces here as a TransportFailure, an answer too long as AnswerTooLarge, and
 * whatever graphql-request throws afterwards concerns the answer's content.
 */
export function cappedFetch(limit = MAX_ANSWER_BYTES): typeof fetch {
  return async (input, init) => {
    try {
      const response = await globalThis.fetch(input, init);
      const body = NULL_BODY_STATUSES.has(response.status) ? null : await readBody(response, limit);
      return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
    } catch (err) {
      if (err instanceof AnswerTooLarge) throw err;
      throw new TransportFailure(err, init?.signal?.aborted === true);
    }
  };
}

/** The body as UTF-8 text, read chunk by chunk and given up (the connection closed) past `limit` bytes. */
async function readBody(response: Response, limit: number): Promise<string> {
  if (Number(response.headers.get('content-length')) > limit) {
    await response.body?.cancel();
    throw new AnswerTooLarge(limit);
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new AnswerTooLarge(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
