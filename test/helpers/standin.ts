import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a stand-in answered: what a test shows and checks. */
export interface Call {
  method: string;
  /** Below the API's base path: `/repos/acme/shop/issues/42/comments`. */
  path: string;
  query: Record<string, string>;
  body?: any;
  status: number;
}

/** An answer to give instead of the route's, `times` times, to requests it matches. */
export interface Fault {
  method?: string;
  path: RegExp;
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  times?: number;
}

export interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Route = (call: Call, url: URL) => Answer | undefined;

/**
 * A REST API on 127.0.0.1, port 0: what a test needs of GitHub's or GitLab's. Every request is
 * recorded; one without the token gets 401; `fail` makes the next matching requests fail.
 */
export class StandIn {
  readonly calls: Call[] = [];
  readonly faults: Fault[] = [];
  readonly #server: Server;
  #url = '';

  private constructor(
    private readonly prefix: string,
    private readonly authorized: (req: IncomingMessage) => boolean,
    private readonly route: Route,
  ) {
    this.#server = createServer((req, res) => void this.#handle(req, res));
  }

  static async start(prefix: string, authorized: (req: IncomingMessage) => boolean, route: Route): Promise<StandIn> {
    const standIn = new StandIn(prefix, authorized, route);
    await new Promise<void>((done) => standIn.#server.listen(0, '127.0.0.1', done));
    standIn.#url = `http://127.0.0.1:${(standIn.#server.address() as AddressInfo).port}${prefix}`;
    return standIn;
  }

  /** The API's base URL, prefix included. */
  get url(): string {
    return this.#url;
  }

  fail(fault: Fault): void {
    this.faults.push({ times: 1, ...fault });
  }

  /** The calls as `METHOD path?query` lines, for a report or a snapshot. */
  lines(): string[] {
    return this.calls.map((c) => {
      const query = new URLSearchParams(c.query).toString();
      return `${c.method} ${c.path}${query ? `?${query}` : ''} → ${c.status}`;
    });
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((done) => this.#server.close(() => done()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    const call: Call = {
      method: req.method ?? 'GET',
      path: url.pathname.startsWith(this.prefix) ? url.pathname.slice(this.prefix.length) : url.pathname,
      query: Object.fromEntries(url.searchParams),
      ...(text ? { body: JSON.parse(text) } : {}),
      status: 0,
    };
    this.calls.push(call);
    const fault = this.faults.find((f) => (f.method ?? call.method) === call.method && f.path.test(call.path) && (f.times ?? 1) > 0);
    let answer: Answer;
    if (fault) {
      fault.times = (fault.times ?? 1) - 1;
      answer = { status: fault.status, body: fault.body ?? { message: `stand-in fault ${fault.status}` }, headers: fault.headers };
    } else if (!this.authorized(req)) {
      answer = { status: 401, body: { message: 'Bad credentials' } };
    } else {
      answer = this.route(call, url) ?? { status: 404, body: { message: 'Not Found' } };
    }
    call.status = answer.status;
    res.writeHead(answer.status, {
      ...(answer.body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }),
      ...answer.headers,
    });
    res.end(answer.body === undefined ? undefined : JSON.stringify(answer.body));
  }
}

/** One page of `items` as `?page=&per_page=` ask (1-based), with a Link header that names the next and last pages. */
export function page<T>(items: T[], url: URL, defaultPerPage: number): { items: T[]; headers: Record<string, string> } {
  const perPage = Math.min(Number(url.searchParams.get('per_page') ?? defaultPerPage), 100);
  const number = Number(url.searchParams.get('page') ?? 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const link = (n: number, rel: string) => {
    const to = new URL(url.href);
    to.searchParams.set('page', String(n));
    return `<${to.href}>; rel="${rel}"`;
  };
  const links = [
    ...(number < last ? [link(number + 1, 'next'), link(last, 'last')] : []),
    ...(number > 1 ? [link(1, 'first'), link(number - 1, 'prev')] : []),
  ];
  return {
    items: items.slice((number - 1) * perPage, number * perPage),
    headers: {
      ...(links.length > 0 ? { link: links.join(', ') } : {}),
      ...(number < last ? { 'x-next-page': String(number + 1) } : { 'x-next-page': '' }),
    },
  };
}
