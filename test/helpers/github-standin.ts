import { page, StandIn, type Answer } from './standin.js';

export interface Account {
  login: string;
  type: 'User' | 'Bot';
}

export interface StoredComment {
  id: number;
  body: string;
  user: Account;
}

export interface StoredIssue {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  state_reason?: string | null;
  labels: string[];
  user: Account;
  pull_request?: boolean;
}

/** GitHub Actions' GITHUB_TOKEN writes as this account, and may not read GET /user. */
export const ACTIONS_BOT: Account = { login: 'github-actions[bot]', type: 'Bot' };

export interface GitHubStandInOptions {
  token: string;
  owner?: string;
  repo?: string;
  /** The account the token is: a person's (GET /user answers) or GitHub Actions' (GET /user is refused). */
  account?: Account;
  /** Pull requests that exist. */
  pullRequests?: number[];
  /** GitHub Enterprise Server serves the API under /api/v3. */
  prefix?: string;
}

/**
 * The routes of GitHub's REST API that hcr uses, on a loopback port: issue comments (a pull
 * request's are its issue's), issues, labels and GET /user, paginated as GitHub does (per_page, a
 * Link header). Comments and issues live in memory; every call is recorded.
 */
export class GitHubStandIn {
  readonly comments = new Map<number, StoredComment[]>();
  readonly issues: StoredIssue[] = [];
  readonly labels = new Map<string, { name: string; color: string; description: string }>();
  #nextId = 1000;
  #nextIssue = 100;

  private constructor(
    readonly server: StandIn,
    readonly options: Required<GitHubStandInOptions>,
  ) {}

  static async start(options: GitHubStandInOptions): Promise<GitHubStandIn> {
    const full: Required<GitHubStandInOptions> = {
      owner: 'acme',
      repo: 'shop',
      account: ACTIONS_BOT,
      pullRequests: [42],
      prefix: '',
      ...options,
    };
    // The server routes to the stand-in made with it.
    const made: { self?: GitHubStandIn } = {};
    const server = await StandIn.start(
      full.prefix,
      (req) => req.headers.authorization === `token ${full.token}` || req.headers.authorization === `Bearer ${full.token}`,
      (call, url) => made.self!.route(call.method, call.path, call.body, url),
    );
    const self = (made.self = new GitHubStandIn(server, full));
    for (const pr of full.pullRequests) self.comments.set(pr, []);
    return self;
  }

  get url(): string {
    return this.server.url;
  }

  /** Comments on a pull request by someone else (or by `user`), as if posted before. */
  seedComments(issue: number, count: number, user: Account = { login: 'reviewer', type: 'User' }, body = (i: number) => `LGTM ${i}`): void {
    for (let i = 0; i < count; i++) this.comments.get(issue)!.push({ id: this.#nextId++, body: body(i), user });
  }

  seedIssue(issue: Omit<StoredIssue, 'number'>): StoredIssue {
    const stored = { ...issue, number: this.#nextIssue++ };
    this.issues.push(stored);
    this.comments.set(stored.number, []);
    return stored;
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private route(method: string, path: string, body: any, url: URL): Answer | undefined {
    const { owner, repo, account } = this.options;
    if (path === '/user' && method === 'GET') {
      return account.type === 'Bot'
        ? { status: 403, body: { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest' } }
        : { status: 200, body: { login: account.login, type: account.type } };
    }
    const at = `/repos/${owner}/${repo}`;
    if (!path.startsWith(`${at}/`)) return undefined;
    const rest = path.slice(at.length);
    let m: RegExpExecArray | null;
    if ((m = /^\/issues\/(\d+)\/comments$/.exec(rest))) {
      const list = this.comments.get(Number(m[1]));
      if (!list) return undefined;
      if (method === 'GET')
        return this.paged(
          list.map((c) => this.comment(c, Number(m![1]))),
          url,
        );
      if (method === 'POST') {
        const comment = { id: this.#nextId++, body: String(body.body), user: account };
        list.push(comment);
        return { status: 201, body: this.comment(comment, Number(m[1])) };
      }
    }
    if ((m = /^\/issues\/comments\/(\d+)$/.exec(rest))) {
      const id = Number(m[1]);
      const found = [...this.comments].find(([, list]) => list.some((c) => c.id === id));
      if (!found) return undefined;
      const [issue, list] = found;
      const comment = list.find((c) => c.id === id)!;
      if (comment.user.login !== account.login) return { status: 403, body: { message: 'Must have admin rights to Repository.' } };
      if (method === 'PATCH') {
        comment.body = String(body.body);
        return { status: 200, body: this.comment(comment, issue) };
      }
      if (method === 'DELETE') {
        list.splice(list.indexOf(comment), 1);
        return { status: 204 };
      }
    }
    if (rest === '/issues') {
      if (method === 'GET') {
        const labels = (url.searchParams.get('labels') ?? '').split(',').filter(Boolean);
        const state = url.searchParams.get('state') ?? 'open';
        const asc = url.searchParams.get('direction') === 'asc';
        const found = this.issues
          .filter((i) => (state === 'all' || i.state === state) && labels.every((l) => i.labels.includes(l)))
          .sort((a, b) => (asc ? a.number - b.number : b.number - a.number));
        return this.paged(
          found.map((i) => this.issue(i)),
          url,
        );
      }
      if (method === 'POST') {
        for (const name of body.labels ?? []) if (!this.labels.has(name)) this.labels.set(name, { name, color: 'ededed', description: '' });
        const stored = this.seedIssue({
          title: body.title,
          body: body.body ?? '',
          state: 'open',
          labels: body.labels ?? [],
          user: account,
        });
        return { status: 201, body: this.issue(stored) };
      }
    }
    if ((m = /^\/issues\/(\d+)$/.exec(rest)) && method === 'PATCH') {
      const issue = this.issues.find((i) => i.number === Number(m![1]));
      if (!issue) return undefined;
      if (body.body !== undefined) issue.body = body.body;
      if (body.state !== undefined) issue.state = body.state;
      if (body.state_reason !== undefined) issue.state_reason = body.state_reason;
      return { status: 200, body: this.issue(issue) };
    }
    if ((m = /^\/labels\/([^/]+)$/.exec(rest)) && method === 'GET') {
      const label = this.labels.get(decodeURIComponent(m[1]!));
      return label ? { status: 200, body: label } : undefined;
    }
    if (rest === '/labels' && method === 'POST') {
      if (this.labels.has(body.name))
        return {
          status: 422,
          body: { message: 'Validation Failed', errors: [{ resource: 'Label', code: 'already_exists', field: 'name' }] },
        };
      const label = { name: body.name, color: body.color, description: body.description };
      this.labels.set(label.name, label);
      return { status: 201, body: label };
    }
    return undefined;
  }

  private paged(items: unknown[], url: URL): Answer {
    const { items: shown, headers } = page(items, url, 30);
    delete headers['x-next-page'];
    return { status: 200, body: shown, headers };
  }

  private comment(c: StoredComment, issue: number) {
    return {
      id: c.id,
      body: c.body,
      user: c.user,
      html_url: `https://github.com/${this.options.owner}/${this.options.repo}/pull/${issue}#issuecomment-${c.id}`,
    };
  }

  private issue(i: StoredIssue) {
    return {
      number: i.number,
      title: i.title,
      body: i.body,
      state: i.state,
      labels: i.labels.map((name) => ({ name })),
      user: i.user,
      html_url: `https://github.com/${this.options.owner}/${this.options.repo}/issues/${i.number}`,
      ...(i.pull_request ? { pull_request: { url: 'x' } } : {}),
    };
  }
}
