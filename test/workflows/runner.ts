import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { runCli, type CliResult } from '../helpers/cli.js';
import type { TestEmulator } from '../helpers/emulator.js';
import type { Env } from './shell.js';
import { commandOf, configAndTriggers, hcrCommands, readWorkflow, type Ci, type GitHubEvent, type HcrCommand } from './workflows.js';

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

/** The pull request every GitHub run is for. */
export const GITHUB_EVENT: GitHubEvent = {
  context: { 'github.event.number': '42' },
  variables: { GITHUB_REPOSITORY: 'acme/shop', GITHUB_HEAD_REF: 'feature/checkout' },
};

/** A CI job's machine: a checkout, and (GitHub) its job summary and step-output files. */
export interface Job {
  dir: string;
  summary: string;
  output: string;
  /** Index, in its workflow, of the last command this job ran: a job runs its lines in order. */
  last: number;
}

/**
 * Runs the workflows' hcr lines as CI would: each job on a fresh checkout, with the workflow's
 * environment and secrets, stdout redirected where the line says. Records every output for the
 * canary check and every command run, so the scenario can show it ran them all.
 */
export class CiRunner {
  readonly outputs: string[] = [];
  private readonly ran = new Set<HcrCommand>();
  private readonly workflows: Partial<Record<Role, HcrCommand[]>>;
  /** Where the workflows read the desired state from (HCR_CONFIG), when they do. */
  private readonly config: string | undefined;
  private jobs = 0;

  /**
   * `workflows` are the file names of the workflows the scenario runs, by role; `secrets` stands
   * for the CI's secret store (GitHub secrets, GitLab CI/CD variables); `root` is an empty
   * directory for the jobs' checkouts.
   */
  constructor(
    private readonly ci: Ci,
    workflows: Partial<Record<Role, string>>,
    private readonly t: TestEmulator,
    private readonly root: string,
    secrets: Env,
  ) {
    this.workflows = Object.fromEntries(
      Object.entries(workflows).map(([role, name]) => [role, hcrCommands(readWorkflow(ci, name), secrets, GITHUB_EVENT)]),
    );
    this.config = workflows.plan === undefined ? undefined : configAndTriggers(readWorkflow(ci, workflows.plan)).config;
  }

  /** One CI's three desired-state workflows. */
  static forFlavour(flavour: Flavour, t: TestEmulator, root: string, secrets: Env): CiRunner {
    return new CiRunner(flavour.ci, { plan: flavour.plan, apply: flavour.apply, drift: flavour.drift }, t, root, secrets);
  }

  /**
   * A new job whose checkout holds these files: by path in the repository, or one file put where
   * the workflows read the desired state.
   */
  checkout(files: URL | Record<string, URL>): Job {
    const dir = join(this.root, `job-${++this.jobs}`);
    mkdirSync(dir);
    const byPath = files instanceof URL ? { [this.config ?? fail('these workflows read no desired state')]: files } : files;
    for (const [path, fixture] of Object.entries(byPath)) copyFileSync(fixture, join(dir, path));
    return { dir, summary: join(this.root, `summary-${this.jobs}.md`), output: join(this.root, `output-${this.jobs}`), last: -1 };
  }

  /** Copies what the plan job keeps as its artifact into a later job, as the apply job downloads it. */
  download(from: Job, to: Job, file: string): void {
    copyFileSync(join(from.dir, file), join(to.dir, file));
  }

  /**
   * Runs the workflow's `hcr <pattern>` line (see commandOf) in this job. The environment is the
   * workflow's, plus what the runner sets (GitHub: GITHUB_ACTIONS, GITHUB_STEP_SUMMARY, GITHUB_OUTPUT,
   * and the event's variables) and the emulator's endpoint. A line without `||` must exit 0: under `set -e` anything else fails the
   * step, and no scenario here expects that.
   */
  async run(job: Job, workflow: Role, pattern: string): Promise<CliResult> {
    const commands = this.workflows[workflow] ?? fail(`this runner has no ${workflow} workflow`);
    const command = commandOf(commands, pattern);
    const index = commands.indexOf(command);
    expect(index, `${command.line} runs after the job's earlier lines`).toBeGreaterThan(job.last);
    job.last = index;
    this.ran.add(command);

    const github: Env =
      this.ci === 'github-actions' ? { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: job.summary, GITHUB_OUTPUT: job.output } : {};
    const env = { ...command.env, ...github, HASURA_CLOUD_ENDPOINT: this.t.env.HASURA_CLOUD_ENDPOINT };
    const result = await runCli(command.argv.slice(1), { cwd: job.dir, env });
    if (command.stdout) writeFileSync(join(job.dir, command.stdout), result.stdout);
    this.outputs.push(result.stdout, result.stderr);
    if (!command.handled) expect(result.code, `${command.line} fails its step:\n${result.stderr}`).toBe(0);
    return result;
  }

  /** A file the job's hcr lines wrote. */
  read(job: Job, file: string): string {
    return this.kept(join(job.dir, file));
  }

  /** The GitHub job summary, which hcr appends to by itself. */
  summary(job: Job): string {
    return this.kept(job.summary);
  }

  /** The GitHub step outputs hcr set in this job ($GITHUB_OUTPUT). */
  stepOutputs(job: Job): string {
    return this.kept(job.output);
  }

  private kept(path: string): string {
    const text = readFileSync(path, 'utf8');
    this.outputs.push(text);
    return text;
  }

  /** The hcr lines of the runner's workflows that no job has run yet. */
  notRun(): string[] {
    return Object.values(this.workflows).flatMap((commands) =>
      commands.filter((c) => !this.ran.has(c)).map((c) => `${c.workflow}: ${c.line}`),
    );
  }
}

function fail(message: string): never {
  throw new Error(message);
}
