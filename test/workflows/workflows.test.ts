import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { world } from '../e2e/setup.js';
import { CiRunner, FLAVOURS, GITHUB_EVENT, PREVIEW_WORKFLOW } from './runner.js';
import { hidesHcr, logicalLines, parseCommand } from './shell.js';
import { commandOf, configAndTriggers, hcrCommands, readWorkflow, workflowNames, type HcrCommand, type Workflow } from './workflows.js';

/**
 * The example CI workflows, run for real: every `hcr ...` line of every workflow goes through the
 * CLI in-process, against the emulator, exactly as written (flags, redirections, the workflow's own
 * environment with its secrets filled in). The only thing added is HASURA_CLOUD_ENDPOINT, which
 * points hcr at the emulator instead of Hasura Cloud. The shell around those lines (comments, the
 * GitHub and GitLab APIs) is not run: the READMEs beside the workflows say so.
 */

const FIXTURES = new URL('../fixtures/workflows/', import.meta.url);
const PACKAGE = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { name: string; version: string };

/** The one fromEnv secret of the fixtures, a canary that must appear nowhere. */
const ADMIN_SECRET = 'workflow-admin-canary-7e2b';
/** The preview workflow's secrets, canaries too. */
const GITHUB_TOKEN = 'ghs_workflowTokenCanary5a1f';
const PREVIEW_DATABASE_URL = 'postgres://preview:db-canary-3c9e@db.example.com/previews';

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
  const rest = lines.slice(lines.findIndex((l) => l.trim() === c.line) + 1);
  return [
    ...rest,
    ...wf.scripts
      .slice(at + 1)
      .filter((s) => s.job === c.job)
      .map((s) => s.text),
  ].join('\n');
}

describe('example workflows, as files', () => {
  it.each(ALL)('$ci/$name parses, runs hcr only on lines of its own, and pins what it uses', ({ ci, name }) => {
    const wf = readWorkflow(ci, name);
    const commands = hcrCommands(wf, PARSE_SECRETS, GITHUB_EVENT);
    expect(commands.length).toBeGreaterThan(0);
    for (const script of wf.scripts) {
      for (const line of logicalLines(script.text)) expect(hidesHcr(line), line).toBe(false);
    }
    for (const c of commands) expect(c.line, 'GitHub would substitute ${{ }} into the script').not.toContain('${{');

    if (ci === 'github-actions') {
      for (const uses of allUses(wf.doc)) expect(uses).toMatch(PINNED_ACTION);
      // Explicit permissions: the token gets what the workflow needs, not the repository's default.
      expect(wf.doc.permissions).toMatchObject({ contents: 'read' });
    } else {
      for (const job of Object.values<any>(wf.doc)) expect(job.image).toMatch(/^[\w./-]+:\d+/);
    }

    // The pinned release is this one, installed from npm under its package name.
    const installs = wf.scripts.flatMap((s) => logicalLines(s.text).filter((l) => l.includes('npm install')));
    expect(installs.length).toBeGreaterThan(0);
    for (const line of installs) expect(line.trim()).toBe(`npm install -g "${PACKAGE.name}@\${HCR_VERSION}"`);
    expect(wf.scripts.every((s) => s.env.HCR_VERSION === PACKAGE.version)).toBe(true);

    // What hcr writes with `> file` is what a later line of the same job reads.
    for (const c of commands.filter((c) => c.stdout)) expect(readLater(wf, c), `nothing reads ${c.stdout}`).toContain(c.stdout);

    // A path filter that missed the desired state would never run the workflow.
    const { config, triggers } = configAndTriggers(wf);
    if (triggers) expect(triggers).toContain(config);
  });

  it.each(FLAVOURS)('$ci: apply fetches the plan that the plan workflow saves, under the same names', (flavour) => {
    const plan = readWorkflow(flavour.ci, flavour.plan);
    const apply = readWorkflow(flavour.ci, flavour.apply);
    const drift = readWorkflow(flavour.ci, flavour.drift);
    expect(new Set([plan, apply, drift].map((wf) => configAndTriggers(wf).config)).size, 'one HCR_CONFIG').toBe(1);
    const out = commandOf(hcrCommands(plan, PARSE_SECRETS), 'plan --out').argv;
    const saved = out[out.indexOf('--out') + 1]!;
    expect(commandOf(hcrCommands(apply, PARSE_SECRETS), `apply ${saved}`)).toBeDefined();
    if (flavour.ci === 'github-actions') {
      const upload = plan.doc.jobs.plan.steps.find((s: any) => String(s.uses).startsWith('actions/upload-artifact@'));
      expect(upload.with.path).toBe(saved);
      expect(apply.doc.env).toMatchObject({ PLAN_WORKFLOW: flavour.plan, PLAN_ARTIFACT: upload.with.name });
    } else {
      const [jobName, job] = Object.entries<any>(plan.doc)[0]!;
      expect(job.artifacts.paths).toContain(saved);
      expect(apply.doc['hcr-apply'].variables.PLAN_JOB).toBe(jobName);
      expect(apply.text).toContain(`artifacts/${saved}" > ${saved}`);
    }
  });

  it('GitHub and GitLab run the same hcr commands, word for word', () => {
    const [github, gitlab] = FLAVOURS.map((f) =>
      [f.plan, f.apply, f.drift].flatMap((name) =>
        hcrCommands(readWorkflow(f.ci, name), PARSE_SECRETS).map((c) => [...c.argv, ...(c.stdout ? ['>', c.stdout] : [])].join(' ')),
      ),
    );
    expect(github).toEqual([
      'hcr validate -f hasura-cloud.yaml',
      'hcr plan -f hasura-cloud.yaml --out hcr.plan --format markdown --detailed-exitcode > plan.md',
      'hcr show hcr.plan',
      'hcr apply hcr.plan',
      'hcr apply -f hasura-cloud.yaml --auto-approve',
      'hcr drift -f hasura-cloud.yaml --format markdown > drift.md',
    ]);
    expect(gitlab).toEqual(github);
  });
});

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
afterEach(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  scratch = undefined;
});

describe.each(FLAVOURS)('$ci workflows against the emulator', (flavour) => {
  it('plan a change, refuse its plan once stale, recover, apply the next saved plan, and report drift', async () => {
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
    const ci = CiRunner.forFlavour(flavour, t, scratch, { HASURA_CLOUD_ACCESS_TOKEN: t.token, SHOP_PROD_ADMIN_SECRET: ADMIN_SECRET });
    const gitHub = flavour.ci === 'github-actions';

    // Pull request 1 brings both projects under hcr: its plan has changes (2), which is no failure.
    const pr1 = ci.checkout(fixture('pr-1.yaml'));
    expect((await ci.run(pr1, 'plan', 'validate')).code).toBe(0);
    expect((await ci.run(pr1, 'plan', 'plan --out')).code).toBe(2);
    const planMd = ci.read(pr1, 'plan.md');
    expect(planMd).toMatch(/^## hcr plan\n/);
    expect(planMd).toContain('LEGACY_WEBHOOK_URL');
    expect(existsSync(join(pr1.dir, 'hcr.plan'))).toBe(true);
    if (gitHub) expect(ci.summary(pr1)).toContain('## hcr plan');

    // Between review and merge someone hot-fixes shop-prod in the console: the merge's apply of the
    // reviewed plan writes staging, leaves prod alone and exits 3.
    handEdit('https://hotfix.example.com');
    const hotfixed = store.getEnv(prod.tenantId);
    const merge1 = ci.checkout(fixture('pr-1.yaml'));
    ci.download(pr1, merge1, 'hcr.plan');
    const shown = await ci.run(merge1, 'apply', 'show hcr.plan');
    expect(shown.stdout).toContain('LEGACY_WEBHOOK_URL');
    if (gitHub) expect(ci.summary(merge1)).toContain('## hcr plan');
    const stale = await ci.run(merge1, 'apply', 'apply hcr.plan');
    expect(stale.code, stale.stderr).toBe(3);
    expect(store.getEnv(prod.tenantId)).toEqual(hotfixed);
    expect(store.getEnv(staging.tenantId).env.HASURA_GRAPHQL_ENABLE_CONSOLE).toBe('false');

    // As the stale message says: drift shows what applying main would now do, then a manual run
    // plans again and applies main.
    const check = ci.checkout(fixture('pr-1.yaml'));
    expect((await ci.run(check, 'drift', 'drift')).code).toBe(2);
    expect(ci.read(check, 'drift.md')).toMatch(/^## hcr drift\n[^]*ACTIONS_ENDPOINT/);
    if (gitHub) expect(ci.summary(check)).toContain('## hcr drift');
    const manual = ci.checkout(fixture('pr-1.yaml'));
    expect((await ci.run(manual, 'apply', 'apply --auto-approve')).code).toBe(0);
    expect(store.getEnv(prod.tenantId).env.ACTIONS_ENDPOINT).toBe('https://actions.example.com');

    // Pull request 2: plan, merge, and its saved plan applies as reviewed.
    const pr2 = ci.checkout(fixture('pr-2.yaml'));
    expect((await ci.run(pr2, 'plan', 'validate')).code).toBe(0);
    expect((await ci.run(pr2, 'plan', 'plan --out')).code).toBe(2);
    expect(ci.read(pr2, 'plan.md')).toContain('FEATURE_CHECKOUT_V2');
    const merge2 = ci.checkout(fixture('pr-2.yaml'));
    ci.download(pr2, merge2, 'hcr.plan');
    expect((await ci.run(merge2, 'apply', 'show hcr.plan')).code).toBe(0);
    expect((await ci.run(merge2, 'apply', 'apply hcr.plan')).code).toBe(0);

    // The nightly check: clean after the apply, drift (2) after another hand edit.
    const night1 = ci.checkout(fixture('pr-2.yaml'));
    expect((await ci.run(night1, 'drift', 'drift')).code).toBe(0);
    expect(ci.read(night1, 'drift.md')).toMatch(/^## hcr drift\n/);
    handEdit('https://hotfix-2.example.com');
    const night2 = ci.checkout(fixture('pr-2.yaml'));
    expect((await ci.run(night2, 'drift', 'drift')).code).toBe(2);
    expect(ci.read(night2, 'drift.md')).toContain('hotfix-2.example.com');

    expect(ci.notRun()).toEqual([]);
    // No secret in anything hcr printed or wrote, the uploaded saved plans included.
    ci.read(pr1, 'hcr.plan');
    ci.read(pr2, 'hcr.plan');
    for (const output of ci.outputs) expect(output).not.toContain(ADMIN_SECRET);
  });
});

describe('github-actions preview workflow against the emulator', () => {
  it("builds the pull request's preview app, hands its endpoint to the comment, and deletes it on close", async () => {
    const { t } = await world();
    scratch = mkdtempSync(join(tmpdir(), 'hcr-workflows-'));
    const wf = readWorkflow('github-actions', PREVIEW_WORKFLOW);
    const ci = new CiRunner('github-actions', { preview: PREVIEW_WORKFLOW }, t, scratch, {
      HASURA_CLOUD_ACCESS_TOKEN: t.token,
      GITHUB_TOKEN,
      PREVIEW_DATABASE_URL,
    });
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
    expect(outputs).toContain(`\nhttps://${name}.hasura.app/v1/graphql\n`);
    expect(outputs).toContain(`\nhttps://cloud.hasura.io/project/${app.projectId}/console\n`);
    expect(JSON.stringify(wf.doc.jobs.comment)).toContain('needs.create.outputs.endpoint');

    // Closed: the app goes; closed again (a re-run, or an app never built) is still a success.
    const closed = checkout();
    expect((await ci.run(closed, 'preview', 'preview delete')).code).toBe(0);
    expect(t.emulator.store.findProjectByName(name)).toBeUndefined();
    const again = checkout();
    expect((await ci.run(again, 'preview', 'preview delete')).code).toBe(0);

    expect(ci.notRun()).toEqual([]);
    for (const output of ci.outputs) {
      expect(output).not.toContain(GITHUB_TOKEN);
      expect(output).not.toContain(PREVIEW_DATABASE_URL);
    }
  });
});
