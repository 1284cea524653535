import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { ActionRunner, type ActionResult } from '../helpers/action.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import type { TestEmulator } from '../helpers/emulator.js';
import { GitHubStandIn } from '../helpers/github-standin.js';
import { GitLabStandIn } from '../helpers/gitlab-standin.js';
import type { Env } from './shell.js';
import {
  commandOf,
  configAndTriggers,
  hcrCommands,
  readWorkflow,
  scriptEnv,
  type ActionStep,
  type Ci,
  type GitHubEvent,
  type HcrCommand,
} from './workflows.js';

export type Role = 'plan' | 'apply' | 'drift' | 'preview';

/** One CI's three desired-state workflows, by file name in examples/<ci>/. */
export interface Flavour {
  ci: Ci;
  plan: string;
  apply: string;
  drift: string;
}

export const FLAVOURS: Flavour[] = [
  { ci: 'github-actions', plan: 'plan-on-pull-request.yml', apply: 'apply-on-merge.yml', drift: 'drift-nightly.yml' },
  { ci: 'gitlab-ci', plan: 'hcr-plan.gitlab-ci.yml', apply: 'hcr-apply.gitlab-ci.yml', drift: 'hcr-drift.gitlab-ci.yml' },
];

/** GitHub's preview-app workflow, which has no GitLab twin. */
export const PREVIEW_WORKFLOW = 'preview-apps.yml';

/** GitHub Actions' token for the run (`github.token`), a canary. */
export const GITHUB_TOKEN = 'ghs_workflowTokenCanary5a1f';
/** The GitLab project access token, a CI/CD variable and a canary. */
export const GITLAB_TOKEN = 'glpat-workflowTokenCanary81c2';

/** The pull request every GitHub run is for, unless a job says otherwise; what the preview's comment job reads from the create job. */
export const GITHUB_EVENT: GitHubEvent = {
  context: {
    'github.event.number': '42',
    'github.token': GITHUB_TOKEN,
    'needs.create.outputs.endpoint': 'https://myapp-pr-42.hasura.app/v1/graphql',
    'needs.create.outputs.console_url': 'https://cloud.hasura.io/project/PROJECT/console',
  },
  variables: { GITHUB_REPOSITORY: 'acme/shop', GITHUB_HEAD_REF: 'feature/checkout' },
};

/** A CI job's machine: a checkout, and (GitHub) its job summary and step-output files. */
export interface Job {
  dir: string;
  summary: string;
  output: string;
  /** The pull request (GitHub) or merge request (GitLab) the job runs for. */
  pr: number;
  /** Index, in its workflow, of the last command this job ran: a job runs its lines in order. */
  last: number;
}

/**
 * Runs the workflows' hcr lines and hcr Action steps as CI would: each job on a fresh checkout,
 * with the workflow's environment and secrets, stdout redirected where a line says; against the
 * emulator, and a stand-in of GitHub's or GitLab's API for the comments and the drift issue.
 * Records every output for the canary check and every command run, so the scenario can show it
 * ran them all.
 */
export class CiRunner {
  readonly outputs: string[] = [];
  private readonly ran = new Set<HcrCommand | ActionStep>();
  private readonly commands: Partial<Record<Role, HcrCommand[]>>;
  private readonly actions: Partial<Record<Role, { step: ActionStep; env: Env }[]>>;
  /** Where the workflows read the desired state from, when they do. */
  private readonly config: string | undefined;
  private jobs = 0;

  private constructor(
    private readonly ci: Ci,
    workflows: Partial<Record<Role, string>>,
    private readonly t: TestEmulator,
    private readonly root: string,
    private readonly secrets: Env,
    readonly github: GitHubStandIn | undefined,
    readonly gitlab: GitLabStandIn | undefined,
    private readonly action: ActionRunner | undefined,
  ) {
    const read = Object.entries(workflows).map(([role, name]) => [role, readWorkflow(ci, name)] as const);
    this.commands = Object.fromEntries(read.map(([role, wf]) => [role, hcrCommands(wf, secrets, GITHUB_EVENT)]));
    this.actions = Object.fromEntries(
      read.map(([role, wf]) => [role, wf.actions.map((step) => ({ step, env: scriptEnv(ci, step, secrets, GITHUB_EVENT) }))]),
    );
    this.config = workflows.plan === undefined ? undefined : configAndTriggers(readWorkflow(ci, workflows.plan)).config;
  }

  /**
   * Runs these workflows of `ci`, starting the stand-in of its API. `secrets` stands for the CI's
   * secret store (GitHub secrets, GitLab CI/CD variables); `root` is an empty directory for the jobs.
   */
  static async start(ci: Ci, workflows: Partial<Record<Role, string>>, t: TestEmulator, root: string, secrets: Env): Promise<CiRunner> {
    if (ci === 'gitlab-ci') {
      const gitlab = await GitLabStandIn.start({ token: GITLAB_TOKEN, mergeRequests: [7, 8] });
      return new CiRunner(ci, workflows, t, root, { ...secrets, GITLAB_TOKEN }, undefined, gitlab, undefined);
    }
    const github = await GitHubStandIn.start({ token: GITHUB_TOKEN, pullRequests: [42, 43] });
    const action = new ActionRunner({ ...GITHUB_EVENT.variables, GITHUB_API_URL: github.url, ...RUN }, GITHUB_TOKEN);
    return new CiRunner(ci, workflows, t, root, secrets, github, undefined, action);
  }

  static forFlavour(flavour: Flavour, t: TestEmulator, root: string, secrets: Env): Promise<CiRunner> {
    return CiRunner.start(flavour.ci, { plan: flavour.plan, apply: flavour.apply, drift: flavour.drift }, t, root, secrets);
  }

  async close(): Promise<void> {
    await this.github?.close();
    await this.gitlab?.close();
    this.action?.close();
  }

  /**
   * A new job for pull (or merge) request `pr` whose checkout holds these files: by path in the
   * repository, or one file put where the workflows read the desired state.
   */
  checkout(files: URL | Record<string, URL>, pr = this.ci === 'github-actions' ? 42 : 7): Job {
    const dir = join(this.root, `job-${++this.jobs}`);
    mkdirSync(dir);
    const byPath = files instanceof URL ? { [this.config ?? fail('these workflows read no desired state')]: files } : files;
    for (const [path, fixture] of Object.entries(byPath)) copyFileSync(fixture, join(dir, path));
    return { dir, summary: join(this.root, `summary-${this.jobs}.md`), output: join(this.root, `output-${this.jobs}`), pr, last: -1 };
  }

  /** Copies what the plan job keeps as its artifact into a later job, as the apply job downloads it. */
  download(from: Job, to: Job, file: string): void {
    copyFileSync(join(from.dir, file), join(to.dir, file));
  }

  /** A file the job's scripts write before an hcr line reads it (the shell around hcr is not run). */
  write(job: Job, file: string, text: string): void {
    writeFileSync(join(job.dir, file), text);
  }

  /**
   * Runs the workflow's `hcr <pattern>` line (see commandOf) in this job. The environment is the
   * workflow's, plus what the CI sets (GitHub: GITHUB_ACTIONS, GITHUB_STEP_SUMMARY, GITHUB_OUTPUT,
   * the event; GitLab: CI_API_V4_URL, CI_PROJECT_ID, the merge request) and the emulator's endpoint.
   * A line without `||` must exit 0, or one of `failing`: under `set -e` anything else fails the
   * step, which a scenario must say it expects (drift, that fails the job on purpose).
   */
  async run(job: Job, workflow: Role, pattern: string, failing: number[] = []): Promise<CliResult> {
    const commands = this.commands[workflow] ?? fail(`this runner has no ${workflow} workflow`);
    const command = commandOf(commands, pattern);
    const index = commands.indexOf(command);
    expect(index, `${command.line} runs after the job's earlier lines`).toBeGreaterThan(job.last);
    job.last = index;
    this.ran.add(command);

    const env = { ...command.env, ...this.ciVariables(job), HASURA_CLOUD_ENDPOINT: this.t.env.HASURA_CLOUD_ENDPOINT };
    const result = await runCli(command.argv.slice(1), { cwd: job.dir, env });
    if (command.stdout) writeFileSync(join(job.dir, command.stdout), result.stdout);
    this.outputs.push(result.stdout, result.stderr);
    if (!command.handled) expect([0, ...failing], `${command.line} fails its step:\n${result.stderr}`).toContain(result.code);
    return result;
  }

  /** Runs the workflow's step of hcr's Action with `command:` this command, as the runner would (see ActionRunner). */
  async runAction(job: Job, workflow: Role, command: string): Promise<ActionResult> {
    const runner = this.action ?? fail('only GitHub workflows use the Action');
    const steps = (this.actions[workflow] ?? []).filter((a) => a.step.inputs.command === command);
    if (steps.length !== 1) throw new Error(`expected one step of the Action with command ${command}, found ${steps.length}`);
    const [{ step, env }] = steps as [(typeof steps)[number]];
    this.ran.add(step);
    const result = await runner.run(
      step.inputs,
      { ...env, HASURA_CLOUD_ENDPOINT: this.t.env.HASURA_CLOUD_ENDPOINT },
      job.dir,
      this.event(job),
    );
    this.outputs.push(result.stdout, result.stderr, result.summary);
    return result;
  }

  /** A file the job's hcr lines wrote. */
  read(job: Job, file: string): string {
    return this.kept(join(job.dir, file));
  }

  exists(job: Job, file: string): boolean {
    return existsSync(join(job.dir, file));
  }

  /** The GitHub job summary, which hcr appends to by itself. */
  summary(job: Job): string {
    return this.kept(job.summary);
  }

  /** The GitHub step outputs hcr set in this job ($GITHUB_OUTPUT). */
  stepOutputs(job: Job): string {
    return this.kept(job.output);
  }

  /** The bodies of hcr's comments (GitHub) or notes (GitLab) on the job's pull or merge request. */
  comments(pr: number): string[] {
    const bodies = this.github
      ? this.github.comments.get(pr)!.map((c) => c.body)
      : this.gitlab!.notes.get(pr)!
          .filter((n) => !n.system)
          .map((n) => n.body);
    this.outputs.push(...bodies);
    return bodies;
  }

  /** The drift issues, open or closed: state, body, and the comments on each. */
  issues(): { open: boolean; body: string; comments: string[] }[] {
    const issues = this.github
      ? this.github.issues.map((i) => ({
          open: i.state === 'open',
          body: i.body,
          comments: this.github!.comments.get(i.number)!.map((c) => c.body),
        }))
      : this.gitlab!.issues.map((i) => ({ open: i.state === 'opened', body: i.description, comments: i.notes }));
    this.outputs.push(...issues.flatMap((i) => [i.body, ...i.comments]));
    return issues;
  }

  private kept(path: string): string {
    const text = readFileSync(path, 'utf8');
    this.outputs.push(text);
    return text;
  }

  /** The hcr lines and Action steps of the runner's workflows that no job has run yet. */
  notRun(): string[] {
    const lines = Object.values(this.commands).flatMap((commands) =>
      commands.filter((c) => !this.ran.has(c)).map((c) => `${c.workflow}: ${c.line}`),
    );
    const steps = Object.entries(this.actions).flatMap(([role, steps]) =>
      steps.filter(({ step }) => !this.ran.has(step)).map(({ step }) => `${role}: ${step.job}/${step.where}`),
    );
    return [...lines, ...steps];
  }

  private ciVariables(job: Job): Env {
    if (this.ci === 'gitlab-ci') {
      return {
        GITLAB_CI: 'true',
        CI_API_V4_URL: this.gitlab!.url,
        CI_PROJECT_ID: '12',
        CI_PROJECT_URL: 'https://gitlab.example.com/acme/shop',
        CI_MERGE_REQUEST_IID: String(job.pr),
        CI_JOB_URL: 'https://gitlab.example.com/acme/shop/-/jobs/3301',
      };
    }
    return {
      GITHUB_ACTIONS: 'true',
      GITHUB_STEP_SUMMARY: job.summary,
      GITHUB_OUTPUT: job.output,
      GITHUB_API_URL: this.github!.url,
      ...RUN,
      ...this.event(job),
    };
  }

  /** The pull_request event of the job's pull request. */
  private event(job: Job): Env {
    const path = join(this.root, `event-${job.pr}.json`);
    writeFileSync(path, JSON.stringify({ number: job.pr, pull_request: { number: job.pr } }));
    return { GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: path };
  }
}

/** The variables of the GitHub Actions run. */
const RUN = { GITHUB_SERVER_URL: 'https://github.com', GITHUB_RUN_ID: '9001' };

function fail(message: string): never {
  throw new Error(message);
}
