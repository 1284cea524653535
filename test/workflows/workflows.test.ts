import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { world } from '../e2e/setup.js';
import { readAction } from '../helpers/action.js';
import { CiRunner, FLAVOURS, GITHUB_EVENT, GITHUB_TOKEN, GITLAB_TOKEN, PREVIEW_WORKFLOW, type Job } from './runner.js';
import { hidesHcr, logicalLines, parseCommand } from './shell.js';
import {
  commandOf,
  configAndTriggers,
  hcrCommands,
  readWorkflow,
  scriptEnv,
  workflowNames,
  type HcrCommand,
  type Workflow,
} from './workflows.js';

/**
 * The example CI workflows, run for real: every `hcr ...` line of every workflow goes through the
 * CLI in-process, and every step of hcr's Action (action.yml) runs in bash as the runner would,
 * exactly as written (flags, redirections, inputs, the workflow's own environment with its secrets
 * filled in), against the emulator and a stand-in of GitHub's or GitLab's API. The only thing
 * added is HASURA_CLOUD_ENDPOINT, which points hcr at the emulator instead of Hasura Cloud. The
 * shell around those lines (`gh`, `curl`, `printf`) is not run: the READMEs beside the workflows say so.
 */

const FIXTURES = new URL('../fixtures/workflows/', import.meta.url);
const PACKAGE = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { name: string; version: string };

/** The one fromEnv secret of the fixtures, a canary that must appear nowhere. */
const ADMIN_SECRET = 'workflow-admin-canary-7e2b';
/** The preview workflow's secret, a canary too. */
const PREVIEW_DATABASE_URL = 'postgres://preview:db-canary-3c9e@db.example.com/previews';
const CANARIES = [ADMIN_SECRET, GITHUB_TOKEN, GITLAB_TOKEN, PREVIEW_DATABASE_URL];

const ALL = FLAVOURS.flatMap(({ ci }) => workflowNames(ci).map((name) => ({ ci, name })));

/** Secrets for reading the files; the scenarios use the emulator's token. */
const PARSE_SECRETS = { HASURA_CLOUD_ACCESS_TOKEN: 'token', SHOP_PROD_ADMIN_SECRET: ADMIN_SECRET, GITHUB_TOKEN, PREVIEW_DATABASE_URL };
const fixture = (name: string) => new URL(name, FIXTURES);

/** `owner/repo[/path]@v4`, `@v4.1.2` or a full commit SHA. */
const PINNED_ACTION = /^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$/;

function allUses(doc: any): string[] {
  return Object.values<any>(doc.jobs).flatMap((job) => [job.uses, ...(job.steps ?? []).map((s: any) => s.uses)].filter(Boolean));
}

/** The text a job runs after this hcr line: the rest of its script and the job's later scripts. */
function readLater(wf: Workflow, c: HcrCommand): string {
  const at = wf.scripts.findIndex((s) => s.job === c.job && s.where === c.where);
  const lines = logicalLines(wf.scripts[at]!.text);
  const line = lines.findIndex((l) => l.trim() === c.line);
  // Not found, the slice would be the whole script, and a line before this one could pass for a later reader.
  expect(line, c.line).toBeGreaterThanOrEqual(0);
  const rest = lines.slice(line + 1);
  return [
    ...rest,
    ...wf.scripts
      .slice(at + 1)
      .filter((s) => s.job === c.job)
      .map((s) => s.text),
  ].join('\n');
}

describe('example workflows, as files', () => {
  it.each(ALL)('$ci/$name parses, runs hcr only on lines of its own or through the Action, and pins what it uses', ({ ci, name }) => {
    const wf = readWorkflow(ci, name);
    const commands = hcrCommands(wf, PARSE_SECRETS, GITHUB_EVENT);
    expect(commands.length + wf.actions.length).toBeGreaterThan(0);
    for (const script of wf.scripts) {
      for (const line of logicalLines(script.text)) expect(hidesHcr(line), line).toBe(false);
    }
    for (const c of commands) expect(c.line, 'GitHub would substitute ${{ }} into the script').not.toContain('${{');

    if (ci === 'github-actions') {
      for (const uses of allUses(wf.doc)) expect(uses).toMatch(PINNED_ACTION);
      // Explicit permissions: the token gets what the workflow needs, not the repository's default.
      expect(wf.doc.permissions).toMatchObject({ contents: 'read' });
      for (const step of wf.actions) {
        // The Action's inputs are plain values, its env secrets only (scriptEnv throws on anything else).
        expect(Object.keys(step.inputs).every((input) => input in readAction().inputs)).toBe(true);
        expect(JSON.stringify(step.inputs)).not.toContain('${{');
        expect(step.inputs.version).toBe(PACKAGE.version);
        scriptEnv(ci, step, PARSE_SECRETS, GITHUB_EVENT);
      }
      // Node 24 wherever a workflow sets up Node itself.
      const nodes = Object.values<any>(wf.doc.jobs).flatMap((job) =>
        job.steps.filter((s: any) => String(s.uses).startsWith('actions/setup-node@')),
      );
      for (const step of nodes) expect(step.with['node-version']).toBe(24);
    } else {
      for (const job of Object.values<any>(wf.doc)) expect(job.image).toBe('node:24');
    }

    // The pinned release is this one, installed from npm under its package name, without install
    // scripts (the environment holds the secrets in GitLab's jobs).
    const installs = wf.scripts.flatMap((s) => logicalLines(s.text).filter((l) => l.includes('npm install')));
    expect(installs.length + wf.actions.length).toBeGreaterThan(0);
    for (const line of installs) expect(line.trim()).toBe(`npm install -g --ignore-scripts "${PACKAGE.name}@\${HCR_VERSION}"`);
    for (const s of wf.scripts.filter((s) => 'HCR_VERSION' in s.env)) expect(s.env.HCR_VERSION).toBe(PACKAGE.version);

    // What hcr writes with `> file` is what a later line of the same job reads.
    for (const c of commands.filter((c) => c.stdout)) expect(readLater(wf, c), `nothing reads ${c.stdout}`).toContain(c.stdout);

    // A path filter that missed the desired state would never run the workflow.
    if (name !== PREVIEW_WORKFLOW) {
      const { config, triggers } = configAndTriggers(wf);
      if (triggers) expect(triggers).toContain(config);
    }
  });

  it.each(FLAVOURS)('$ci: apply fetches the plan that the plan workflow saves, under the same names', (flavour) => {
    const plan = readWorkflow(flavour.ci, flavour.plan);
    const apply = readWorkflow(flavour.ci, flavour.apply);
    const drift = readWorkflow(flavour.ci, flavour.drift);
    expect(new Set([plan, apply, drift].map((wf) => configAndTriggers(wf).config)).size, 'one desired state').toBe(1);
    if (flavour.ci === 'github-actions') {
      const steps = plan.doc.jobs.plan.steps;
      const upload = steps.find((s: any) => String(s.uses).startsWith('actions/upload-artifact@'));
      const action = steps.find((s: any) => s.with?.command === 'plan');
      expect(upload.with.path).toBe(`\${{ steps.${action.id}.outputs.plan-file }}`);
      expect(apply.doc.env).toMatchObject({ PLAN_WORKFLOW: flavour.plan, PLAN_ARTIFACT: upload.with.name });
      // Both steps leave plan-file to the Action's default: the name the artifact holds is the one apply looks for.
      expect([plan, apply].map((wf) => wf.actions[0]!.inputs['plan-file'])).toEqual([undefined, undefined]);
      expect(readAction().inputs['plan-file'].default).toBe('hcr.plan');
    } else {
      const out = commandOf(hcrCommands(plan, PARSE_SECRETS), 'plan --out').argv;
      const saved = out[out.indexOf('--out') + 1]!;
      expect(commandOf(hcrCommands(apply, PARSE_SECRETS), `apply ${saved}`)).toBeDefined();
      const [jobName, job] = Object.entries<any>(plan.doc)[0]!;
      expect(job.artifacts.paths).toContain(saved);
      expect(apply.doc['hcr-apply'].variables.PLAN_JOB).toBe(jobName);
      expect(apply.text).toContain(`artifacts/${saved}" > ${saved}`);
    }
  });

  it('GitLab runs, line for line, the hcr commands that the Action runs on GitHub', () => {
    const gitlab = FLAVOURS[1]!;
    const lines = [gitlab.plan, gitlab.apply, gitlab.drift].flatMap((name) =>
      hcrCommands(readWorkflow(gitlab.ci, name), { ...PARSE_SECRETS, GITLAB_TOKEN }).map((c) =>
        [...c.argv, ...(c.stdout ? ['>', c.stdout] : [])].join(' '),
      ),
    );
    // The scenarios below check the Action runs these (with its own files for the body).
    expect(lines).toEqual([
      ...ACTION_PLAN.map((l, i) => (i === 0 ? `${l} > plan.md` : l.replace('BODY', 'plan.md').replace('github', 'gitlab'))),
      ...ACTION_APPLY,
      ...ACTION_APPLY_AGAIN,
      'hcr drift -f hasura-cloud.yaml --gitlab-issue',
    ]);
  });
});

/** What the Action runs for `command: plan` (BODY: its Markdown file), and for apply with and without a saved plan. */
const ACTION_PLAN = [
  'hcr plan -f hasura-cloud.yaml --out hcr.plan --format markdown --detailed-exitcode',
  'hcr github comment -f hasura-cloud.yaml --body-file BODY',
];
const ACTION_APPLY = ['hcr show hcr.plan', 'hcr apply hcr.plan'];
const ACTION_APPLY_AGAIN = ['hcr apply -f hasura-cloud.yaml --auto-approve'];

describe('the shell reader of the test', () => {
  it('reads quotes, expansions, redirection and an `||` handler as the shell does', () => {
    const env = { F: 'a b.yaml', OUT: 'hcr.plan' };
    expect(parseCommand(`hcr plan -f "$F" --out \${OUT} --format 'mark'down > plan.md || code=$?`, env)).toEqual({
      argv: ['hcr', 'plan', '-f', 'a b.yaml', '--out', 'hcr.plan', '--format', 'markdown'],
      stdout: 'plan.md',
      handled: true,
    });
    const [continued, next] = logicalLines('hcr apply \\\n  --auto-approve\nexit 0');
    expect(parseCommand(continued!, env).argv).toEqual(['hcr', 'apply', '--auto-approve']);
    expect(next).toBe('exit 0');
  });

  it.each([
    ['hcr plan -f $F', 'split or glob'],
    ['hcr plan | tee plan.md', '`|` is not supported'],
    ['hcr plan 2> err.txt', 'only stdout'],
    ['hcr plan >> plan.md', 'only `> file`'],
    ['hcr plan "$(cat f)"', 'command substitution'],
    ['hcr plan "$MISSING"', '$MISSING is not set'],
  ])('refuses what it would get wrong: %s', (line, message) => {
    expect(() => parseCommand(line, { F: 'a b' })).toThrow(message);
  });

  it('finds hcr run anywhere but at the start of a line', () => {
    expect(['x && hcr plan', 'out=$(hcr plan)', 'if true; then hcr plan; fi'].map(hidesHcr)).toEqual([true, true, true]);
    expect(['x "$(hcr plan)"', 'x `hcr plan`'].map(hidesHcr)).toEqual([true, true]);
    expect(['hcr plan', 'echo "so (hcr) left it; then hcr stops"', "echo 'x && hcr'", '# then hcr runs'].map(hidesHcr)).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });
});

let scratch: string | undefined;
let runner: CiRunner | undefined;
afterEach(async () => {
  await runner?.close();
  runner = undefined;
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  scratch = undefined;
});

/** plan, apply and drift as each CI runs them: the Action's steps (GitHub), the jobs' hcr lines (GitLab). hcr's exit code. */
interface Steps {
  plan(job: Job): Promise<number>;
  apply(job: Job): Promise<number>;
  drift(job: Job): Promise<number>;
}

function gitHubSteps(ci: CiRunner): Steps {
  const step = async (job: Job, role: 'plan' | 'apply' | 'drift', expected: string[]) => {
    const result = await ci.runAction(job, role, role);
    expect(result.hcr.map((c) => c.replace(/--body-file \S+$/, '--body-file BODY'))).toEqual(expected);
    const code = Number(result.outputs.exitcode);
    // The step passes on a plan with changes, fails on drift, stale plans and errors.
    expect(result.code, result.stderr).toBe(role === 'plan' && code === 2 ? 0 : code);
    if (role === 'plan')
      expect(result.outputs).toEqual({ exitcode: String(code), 'has-changes': String(code === 2), 'plan-file': 'hcr.plan' });
    if (role !== 'apply') expect(result.summary).toContain(`## hcr ${role}`);
    return code;
  };
  return {
    plan: (job) => step(job, 'plan', ACTION_PLAN),
    apply: (job) => step(job, 'apply', ci.exists(job, 'hcr.plan') ? ACTION_APPLY : ACTION_APPLY_AGAIN),
    drift: (job) => step(job, 'drift', ['hcr drift -f hasura-cloud.yaml --github-issue']),
  };
}

function gitLabSteps(ci: CiRunner): Steps {
  return {
    async plan(job) {
      const { code } = await ci.run(job, 'plan', 'plan --out');
      await ci.run(job, 'plan', 'gitlab comment');
      return code;
    },
    async apply(job) {
      if (!ci.exists(job, 'hcr.plan')) return (await ci.run(job, 'apply', 'apply --auto-approve')).code;
      await ci.run(job, 'apply', 'show hcr.plan');
      return (await ci.run(job, 'apply', 'apply hcr.plan')).code;
    },
    // Drift fails the job, on purpose.
    drift: async (job) => (await ci.run(job, 'drift', 'drift', [2])).code,
  };
}

describe.each(FLAVOURS)('$ci workflows against the emulator and a stand-in of its API', (flavour) => {
  it('plan a change into one comment, refuse its plan once stale, recover, apply the next saved plan, and keep the drift issue', async () => {
    const { t } = await world();
    scratch = mkdtempSync(join(tmpdir(), 'hcr-workflows-'));
    const prod = t.seed('shop-prod', { ACTIONS_ENDPOINT: 'https://old.example.com', LEGACY_WEBHOOK_URL: 'https://hooks.example.com' });
    const staging = t.seed('shop-staging', {
      ACTIONS_ENDPOINT: 'https://actions.staging.example.com',
      HASURA_GRAPHQL_ENABLE_CONSOLE: 'true',
    });
    const store = t.emulator.store;
    const handEdit = (value: string) => store.updateEnv(prod.tenantId, store.getEnv(prod.tenantId).hash, { ACTIONS_ENDPOINT: value });
    // The CI's secret store: this emulator's token, and the fixture's one fromEnv secret.
    const ci = (runner = await CiRunner.forFlavour(flavour, t, scratch, {
      HASURA_CLOUD_ACCESS_TOKEN: t.token,
      SHOP_PROD_ADMIN_SECRET: ADMIN_SECRET,
    }));
    const steps = flavour.ci === 'github-actions' ? gitHubSteps(ci) : gitLabSteps(ci);
    const [first, second] = flavour.ci === 'github-actions' ? [42, 43] : [7, 8];
    const mark = '<!-- hcr-comment: hasura-cloud.yaml -->';

    // Pull request 1 brings both projects under hcr: its plan has changes (2), which is no failure,
    // and is its one comment, edited in place by the next push.
    const pr1 = ci.checkout(fixture('pr-1.yaml'), first);
    expect(await steps.plan(pr1)).toBe(2);
    expect(ci.exists(pr1, 'hcr.plan')).toBe(true);
    const [planned] = ci.comments(first);
    expect(planned).toMatch(new RegExp(`^${mark}\\n## hcr plan\\n[^]*LEGACY_WEBHOOK_URL`));
    const pushed = ci.checkout(fixture('pr-1.yaml'), first);
    expect(await steps.plan(pushed)).toBe(2);
    expect(ci.comments(first)).toEqual([planned]);

    // Between review and merge someone hot-fixes shop-prod in the console: the merge's apply of the
    // reviewed plan writes staging, leaves prod alone and exits 3.
    handEdit('https://hotfix.example.com');
    const hotfixed = store.getEnv(prod.tenantId);
    const merge1 = ci.checkout(fixture('pr-1.yaml'));
    ci.download(pushed, merge1, 'hcr.plan');
    expect(await steps.apply(merge1)).toBe(3);
    expect(store.getEnv(prod.tenantId)).toEqual(hotfixed);
    expect(store.getEnv(staging.tenantId).env.HASURA_GRAPHQL_ENABLE_CONSOLE).toBe('false');

    // As the stale message says: drift shows what applying main would now do (and opens the drift
    // issue), then a manual run plans again and applies main.
    expect(await steps.drift(ci.checkout(fixture('pr-1.yaml')))).toBe(2);
    expect(ci.issues()).toEqual([
      {
        open: true,
        body: expect.stringMatching(/^<!-- hcr-drift: hasura-cloud.yaml -->\n## hcr drift\n[^]*hotfix\.example\.com/),
        comments: [],
      },
    ]);
    expect(await steps.apply(ci.checkout(fixture('pr-1.yaml')))).toBe(0);
    expect(store.getEnv(prod.tenantId).env.ACTIONS_ENDPOINT).toBe('https://actions.example.com');

    // Pull request 2: plan (its own comment), merge, and its saved plan applies as reviewed.
    const pr2 = ci.checkout(fixture('pr-2.yaml'), second);
    expect(await steps.plan(pr2)).toBe(2);
    expect(ci.comments(second)).toEqual([expect.stringContaining('FEATURE_CHECKOUT_V2')]);
    const merge2 = ci.checkout(fixture('pr-2.yaml'));
    ci.download(pr2, merge2, 'hcr.plan');
    expect(await steps.apply(merge2)).toBe(0);

    // The nightly check: clean after the apply, which closes the drift issue; drift (2) after
    // another hand edit opens a new one.
    expect(await steps.drift(ci.checkout(fixture('pr-2.yaml')))).toBe(0);
    const runUrl =
      flavour.ci === 'github-actions'
        ? 'https://github.com/acme/shop/actions/runs/9001'
        : 'https://gitlab.example.com/acme/shop/-/jobs/3301';
    expect(ci.issues()).toEqual([{ open: false, body: expect.any(String), comments: [`No drift any more, as of ${runUrl}.`] }]);
    handEdit('https://hotfix-2.example.com');
    expect(await steps.drift(ci.checkout(fixture('pr-2.yaml')))).toBe(2);
    expect(ci.issues().map((i) => [i.open, i.body.includes('hotfix-2.example.com')])).toEqual([
      [false, false],
      [true, true],
    ]);

    expect(ci.notRun()).toEqual([]);
    // No secret in anything hcr printed, wrote or posted, the uploaded saved plans included.
    ci.read(pr1, 'hcr.plan');
    ci.read(pr2, 'hcr.plan');
    for (const output of ci.outputs) for (const canary of CANARIES) expect(output).not.toContain(canary);
    // GitHub's jobs run the Action: hcr as processes of their own (about 15), not in-process.
  }, 180_000);
});

describe('github-actions preview workflow against the emulator', () => {
  it("builds the pull request's preview app, hands its endpoint to the comment, and deletes it on close", async () => {
    const { t } = await world();
    scratch = mkdtempSync(join(tmpdir(), 'hcr-workflows-'));
    const wf = readWorkflow('github-actions', PREVIEW_WORKFLOW);
    const ci = (runner = await CiRunner.start('github-actions', { preview: PREVIEW_WORKFLOW }, t, scratch, {
      HASURA_CLOUD_ACCESS_TOKEN: t.token,
      GITHUB_TOKEN,
      PREVIEW_DATABASE_URL,
    }));
    const checkout = () => ci.checkout({ [wf.doc.env.PREVIEW_ENV_FILE]: fixture('preview.env') });
    const name = `myapp-pr-${GITHUB_EVENT.context['github.event.number']}`;

    // Opened: the app is built from the pull request's branch, with the checked-in and the secret env.
    const opened = checkout();
    expect((await ci.run(opened, 'preview', 'preview create')).code).toBe(0);
    const app = t.emulator.store.findProjectByName(name)!;
    expect(app.env).toMatchObject({ HASURA_GRAPHQL_DEV_MODE: 'true', PG_DATABASE_URL: PREVIEW_DATABASE_URL });

    // The step outputs the comment job reads (through the create job's outputs) are the ones hcr set.
    const outputs = ci.stepOutputs(opened);
    const create = wf.doc.jobs.create;
    expect(create.steps.find((s: any) => s.id === 'preview')).toBeDefined();
    for (const [output, expression] of Object.entries<string>(create.outputs)) {
      const read = /^\$\{\{ steps\.preview\.outputs\.(\w+) \}\}$/.exec(expression)?.[1];
      expect(read, `${output} reads a step output of hcr`).toBeDefined();
      expect(outputs).toMatch(new RegExp(`^${read}<<`, 'm'));
    }
    const endpoint = GITHUB_EVENT.context['needs.create.outputs.endpoint']!;
    expect(outputs).toContain(`\n${endpoint}\n`);
    expect(outputs).toContain(`\nhttps://cloud.hasura.io/project/${app.projectId}/console\n`);

    // The comment job: ONE comment, edited by the next push. The test writes what its printf does.
    for (const push of [1, 2]) {
      const comment = checkout();
      ci.write(comment, 'comment.md', `## Preview app\n\n- GraphQL endpoint: ${endpoint}\n- Push: ${push}\n`);
      expect((await ci.run(comment, 'preview', 'github comment')).stdout).toMatch(push === 1 ? /^Posted/ : /^Updated/);
    }
    expect(ci.comments(42)).toEqual([`<!-- hcr-comment: preview -->\n## Preview app\n\n- GraphQL endpoint: ${endpoint}\n- Push: 2`]);

    // Closed: the app goes; closed again (a re-run, or an app never built) is still a success.
    const closed = checkout();
    expect((await ci.run(closed, 'preview', 'preview delete')).code).toBe(0);
    expect(t.emulator.store.findProjectByName(name)).toBeUndefined();
    const again = checkout();
    expect((await ci.run(again, 'preview', 'preview delete')).code).toBe(0);

    expect(ci.notRun()).toEqual([]);
    for (const output of ci.outputs) for (const canary of CANARIES) expect(output).not.toContain(canary);
  });
});
