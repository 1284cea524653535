import { page, StandIn, type Answer } from './standin.js';

export interface GitLabUser {
  id: number;
  username: string;
}

export interface StoredNote {
  id: number;
  body: string;
  system: boolean;
  author: GitLabUser;
}

export interface StoredIssue {
  iid: number;
  title: string;
  description: string;
  state: 'opened' | 'closed';
  labels: string[];
  author: GitLabUser;
  notes: string[];
}

/** A project access token is a bot user of its own. */
export const PROJECT_BOT: GitLabUser = { id: 77, username: 'project_12_bot_1' };

/**
 * The routes of GitLab's REST API (v4) that hcr uses, on a loopback port: a merge request's notes
 * and GET /user, paginated as GitLab does (per_page, x-next-page and a Link header). Every call is recorded.
 */
export class GitLabStandIn {
  readonly notes = new Map<number, StoredNote[]>();
  readonly issues: StoredIssue[] = [];
  readonly labels = new Map<string, { name: string; color: string; description: string }>();
  #nextId = 5000;

  private constructor(
    readonly server: StandIn,
    readonly projectId: string,
    readonly account: GitLabUser,
  ) {}

  static async start(options: {
    token: string;
    projectId?: string;
    mergeRequests?: number[];
    account?: GitLabUser;
  }): Promise<GitLabStandIn> {
    const made: { self?: GitLabStandIn } = {};
    const server = await StandIn.start(
      '/api/v4',
      (req) => req.headers['private-token'] === options.token,
      (call, url) => made.self!.route(call.method, call.path, call.body, url),
    );
    const self = (made.self = new GitLabStandIn(server, options.projectId ?? '12', options.account ?? PROJECT_BOT));
    for (const iid of options.mergeRequests ?? [7]) self.notes.set(iid, []);
    return self;
  }

  get url(): string {
    return this.server.url;
  }

  seedNotes(
    iid: number,
    count: number,
    author: GitLabUser = { id: 3, username: 'reviewer' },
    body = (i: number) => `Looks good ${i}`,
    system = false,
  ): void {
    for (let i = 0; i < count; i++) this.notes.get(iid)!.push({ id: this.#nextId++, body: body(i), system, author });
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private route(method: string, path: string, body: any, url: URL): Answer | undefined {
    if (path === '/user' && method === 'GET') return { status: 200, body: this.account };
    if (path.startsWith(`/projects/${this.projectId}/issues`) || path.startsWith(`/projects/${this.projectId}/labels`)) {
      return this.issueRoute(method, path.slice(`/projects/${this.projectId}`.length), body, url);
    }
    const prefix = `/projects/${this.projectId}/merge_requests/`;
    if (!path.startsWith(prefix)) return undefined;
    const m = /^(\d+)\/notes(?:\/(\d+))?$/.exec(path.slice(prefix.length));
    const notes = m && this.notes.get(Number(m[1]));
    if (!m || !notes) return undefined;
    if (m[2] === undefined) {
      if (method === 'GET') {
        const sorted = url.searchParams.get('sort') === 'asc' ? notes : [...notes].reverse();
        const { items, headers } = page(sorted, url, 20);
        return { status: 200, body: items, headers };
      }
      if (method === 'POST') {
        const note = { id: this.#nextId++, body: String(body.body), system: false, author: this.account };
        notes.push(note);
        return { status: 201, body: note };
      }
      return undefined;
    }
    const note = notes.find((n) => n.id === Number(m[2]));
    if (!note) return undefined;
    if (note.author.id !== this.account.id) return { status: 403, body: { message: '403 Forbidden' } };
    if (method === 'PUT') {
      note.body = String(body.body);
      return { status: 200, body: note };
    }
    if (method === 'DELETE') {
      notes.splice(notes.indexOf(note), 1);
      return { status: 204 };
    }
    return undefined;
  }

  private issueRoute(method: string, path: string, body: any, url: URL): Answer | undefined {
    const show = (i: StoredIssue) => ({ ...i, notes: undefined, web_url: `https://gitlab.example.com/acme/shop/-/issues/${i.iid}` });
    if (path === '/issues' && method === 'GET') {
      const labels = (url.searchParams.get('labels') ?? '').split(',').filter(Boolean);
      const state = url.searchParams.get('state') ?? 'all';
      const found = this.issues.filter((i) => (state === 'all' || i.state === state) && labels.every((l) => i.labels.includes(l)));
      const { items, headers } = page(found.map(show), url, 20);
      return { status: 200, body: items, headers };
    }
    if (path === '/issues' && method === 'POST') {
      const labels = String(body.labels ?? '')
        .split(',')
        .filter(Boolean);
      const issue: StoredIssue = {
        iid: this.issues.length + 1,
        title: body.title,
        description: body.description ?? '',
        state: 'opened',
        labels,
        author: this.account,
        notes: [],
      };
      this.issues.push(issue);
      return { status: 201, body: show(issue) };
    }
    const m = /^\/issues\/(\d+)(\/notes)?$/.exec(path);
    const issue = m && this.issues.find((i) => i.iid === Number(m[1]));
    if (m && issue && !m[2] && method === 'PUT') {
      if (body.description !== undefined) issue.description = body.description;
      if (body.state_event === 'close') issue.state = 'closed';
      return { status: 200, body: show(issue) };
    }
    if (m && issue && m[2] && method === 'POST') {
      issue.notes.push(body.body);
      return { status: 201, body: { id: this.#nextId++, body: body.body } };
    }
    const label = /^\/labels\/([^/]+)$/.exec(path);
    if (label && method === 'GET') {
      const found = this.labels.get(decodeURIComponent(label[1]!));
      return found ? { status: 200, body: found } : undefined;
    }
    if (path === '/labels' && method === 'POST') {
      this.labels.set(body.name, { name: body.name, color: body.color, description: body.description });
      return { status: 201, body: this.labels.get(body.name) };
    }
    return undefined;
  }
}
