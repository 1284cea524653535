import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { runCli, type CliResult } from '../helpers/cli.js';
import type { TestEmulator } from '../helpers/emulator.js';
import type { Env } from './shell.js';
import { commandOf, configAndTriggers, hcrCommands, readWorkflow, type Ci, type HcrCommand } from './workflows.js';

/** One CI's three workflows, by file name in examples/<ci>/. */
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

/** A CI job's machine: a checkout of one desired state, and (GitHub) its job summary file. */
export interface Job {
  dir: string;
  summary: string;
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
  private readonly workflows: Record<'plan' | 'apply' | 'drift', HcrCommand[]>;
  /** Where the workflows read the desired state from (HCR_CONFIG). */
  private readonly config: string;
  private jobs = 0;

  /**
   * `secrets` stands for the CI's secret store (GitHub secrets, GitLab CI/CD variables); `root` is
   * an empty directory for the jobs' checkouts.
   */
  constructor(
    private readonly flavour: Flavour,
    private readonly t: TestEmulator,
    private readonly root: string,
    secrets: Env,
  ) {
    const load = (name: string) => hcrCommands(readWorkflow(flavour.ci, name), secrets);
    this.workflows = { plan: load(flavour.plan), apply: load(flavour.apply), drift: load(flavour.drift) };
    this.config = configAndTriggers(readWorkflow(flavour.ci, flavour.plan)).config;
  }

  /** A new job whose checkout holds `desired` as the workflows' desired-state file. */
  checkout(desired: URL): Job {
    const dir = join(this.root, `job-${++this.jobs}`);
    mkdirSync(dir);
    copyFileSync(desired, join(dir, this.config));
    return { dir, summary: join(this.root, `summary-${this.jobs}.md`), last: -1 };
  }

  /** Copies what the plan job keeps as its artifact into a later job, as the apply job downloads it. */
  download(from: Job, to: Job, file: string): void {
    copyFileSync(join(from.dir, file), join(to.dir, file));
  }

  /**
   * Runs the workflow's `hcr <pattern>` line (see commandOf) in this job. The environment is the
   * workflow's, plus what the runner sets (GitHub: GITHUB_ACTIONS, GITHUB_STEP_SUMMARY) and the
   * emulator's endpoint. A line without `||` must exit 0: under `set -e` anything else fails the
   * step, and no scenario here expects that.
   */
  async run(job: Job, workflow: 'plan' | 'apply' | 'drift', pattern: string): Promise<CliResult> {
    const commands = this.workflows[workflow];
    const command = commandOf(commands, pattern);
    const index = commands.indexOf(command);
    expect(index, `${command.line} runs after the job's earlier lines`).toBeGreaterThan(job.last);
    job.last = index;
    this.ran.add(command);

    const github: Env = this.flavour.ci === 'github-actions' ? { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: job.summary } : {};
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

  private kept(path: string): string {
    const text = readFileSync(path, 'utf8');
    this.outputs.push(text);
    return text;
  }

  /** The hcr lines of the three workflows that no job has run yet. */
  notRun(): string[] {
    return Object.values(this.workflows).flatMap((commands) => commands.filter((c) => !this.ran.has(c)).map((c) => `${c.workflow}: ${c.line}`));
  }
}

