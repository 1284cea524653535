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

const NULL_BODY_STATUSES = new Set([204, 205, 304]);

/**
 * The fetch given to graphql-request: it reads the whole body before returning, so every failure on
 * the wire (connecting, sending, or a reset or timeout while the body streams in) surfaces here as
 * a TransportFailure, and whatever graphql-request throws afterwards concerns the answer's content.
 */
export const bufferedFetch: typeof fetch = async (input, init) => {
  try {
    const response = await globalThis.fetch(input, init);
    const body = NULL_BODY_STATUSES.has(response.status) ? null : await response.text();
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  } catch (err) {
    throw new TransportFailure(err, init?.signal?.aborted === true);
  }
};
