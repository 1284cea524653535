import { setTimeout as sleep } from 'node:timers/promises';
import type { CloudClient } from '../../cloud/client.js';
import type { Job } from '../../cloud/types.js';
import { nameProblem } from '../../config/names.js';
import { UserError } from '../../errors.js';
import { cloudClient } from '../cloud.js';
import { defineCommand, type Context, type GlobalArgs } from '../context.js';

interface CreateArgs extends GlobalArgs {
  name: string;
  repo: string;
  branch: string;
  directory: string;
  region: string;
  plan: string;
  cloud: string;
  env: string[];
  timeout: number;
  format: 'text' | 'json';
}

interface DeleteArgs extends GlobalArgs {
  name: string;
  ifExists: boolean;
}

/** Job states after which nothing more happens (API.md); anything else is still on its way. */
const FINISHED = new Set(['success', 'failed', 'skipped']);
/** Polling starts quick (a job can be done in a second) and backs off to a gentle pace for builds that take minutes. */
const POLL_FIRST_MS = 250;
const POLL_MAX_MS = 5_000;

/** OWNER/REPO as GitHub allows them: owners of letters, digits and inner hyphens; repositories also with `.` and `_`. */
const REPO = /^([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)\/([A-Za-z0-9._-]+)$/;

const createCommand = defineCommand<CreateArgs>({
  command: 'create',
  describe: 'Create (or redeploy) a preview app from a GitHub branch and wait until it is ready; GitHub token from GITHUB_TOKEN',
  builder: (y) =>
    y
      .option('name', { type: 'string', demandOption: true, describe: 'The project name: lowercase letters, digits and hyphens' })
      .option('repo', { type: 'string', demandOption: true, describe: 'The GitHub repository, OWNER/REPO' })
      .option('branch', { type: 'string', demandOption: true, describe: 'The branch to build from' })
      .option('directory', { type: 'string', default: '.', describe: 'The Hasura project directory in the repository' })
      .option('region', { type: 'string', default: 'us-east-2', describe: 'The cloud region' })
      .option('plan', { type: 'string', default: 'cloud_free', describe: 'The Hasura Cloud plan, e.g. cloud_free or cloud_payg' })
      .option('cloud', { type: 'string', default: 'aws', describe: 'The cloud provider' })
      .option('env', {
        type: 'string',
        array: true,
        nargs: 1,
        default: [],
        describe: 'KEY=VALUE for the project (repeatable); values are never printed',
      })
      .option('timeout', { type: 'number', default: 600, describe: 'Seconds to wait for the preview app' })
      .option('format', { choices: ['text', 'json'] as const, default: 'text' as const, describe: 'Output view' }) as never,
  run: async (ctx, args) => {
    const name = checkedName(args.name);
    const repo = REPO.exec(args.repo);
    if (!repo || repo[2] === '.' || repo[2] === '..') {
      throw new UserError(`--repo ${JSON.stringify(args.repo)}: expected OWNER/REPO, e.g. hasura/graphql-engine`);
    }
    for (const [flag, value] of [['--branch', args.branch], ['--directory', args.directory], ['--region', args.region]] as const) {
      if (value.trim() === '') throw new UserError(`${flag} must not be empty`);
    }
    const env = parseEnv(args.env);
    if (!(Number.isFinite(args.timeout) && args.timeout > 0)) {
      throw new UserError(`--timeout must be a number of seconds above 0, not ${args.timeout}`);
    }
    const githubToken = ctx.env.GITHUB_TOKEN?.trim();
    if (!githubToken) {
      throw new UserError(
        `no GitHub token: set GITHUB_TOKEN to a token that can read ${args.repo} (in GitHub Actions: GITHUB_TOKEN: \${{ secrets.GITHUB_TOKEN }}); hcr never takes it from a flag`,
      );
    }
    ctx.redactor.add(githubToken);
    // Not `args` itself: --timeout here is the wait for the job, not the per-request limit cloudClient reads from it.
    const client = cloudClient(ctx, { endpoint: args.endpoint, tokenFile: args.tokenFile });

    const { jobId } = await client.createGitHubPreviewApp({
      githubPersonalAccessToken: githubToken,
      githubRepoDetails: { owner: repo[1]!, repo: repo[2]!, branch: args.branch, directory: args.directory },
      projectOptions: {
        cloud: args.cloud,
        region: args.region,
        plan: args.plan,
        name,
        envVars: [...env].map(([key, value]) => ({ key, value })),
      },
    });
    ctx.log(`Scheduled preview app ${name} (job ${jobId}); waiting up to ${args.timeout} s for it.`);
    const job = await waitForJob(client, jobId, args.timeout);
    const projectId = finishedProjectId(job);
    const project = await client.getProject(projectId);
    if (!project) throw new UserError(`preview job ${jobId} reported project ${projectId}, which Hasura Cloud does not know`);
    if (project.name !== name) ctx.log(`warning: Hasura Cloud named the project ${project.name}, not ${name}`);

    const result = { name: project.name, projectId: project.id, tenantId: project.tenant?.id ?? null, endpoint: project.endpoint, jobId, env: [...env.keys()] };
    printCreated(ctx, result, args.format);
    return 0;
  },
});

const deleteCommand = defineCommand<DeleteArgs>({
  command: 'delete',
  describe: 'Delete the project of this name (any project: check the name), e.g. when its pull request closes',
  builder: (y) =>
    y
      .option('name', { type: 'string', demandOption: true, describe: 'The project name' })
      .option('if-exists', { type: 'boolean', default: false, describe: 'Succeed when no project has this name' }) as never,
  run: async (ctx, args) => {
    const name = checkedName(args.name);
    const client = cloudClient(ctx, args);
    const [project] = await client.findProjectsByName([name]);
    if (!project) {
      if (!args.ifExists) {
        throw new UserError(`no project is named ${name}; nothing was deleted (with --if-exists that is a success, e.g. for cleanup when a pull request closes)`);
      }
      ctx.stdout.write(`No project is named ${name}; nothing to delete.\n`);
      return 0;
    }
    if (!project.tenant) throw new UserError(`project ${name} has no tenant, so it cannot be deleted through the API`);
    const { status } = await client.deleteTenant(project.tenant.id);
    ctx.stdout.write(`Deleted project ${name} (project ${project.id}, tenant ${project.tenant.id}): ${status}\n`);
    return 0;
  },
});

export const previewCommand = defineCommand({
  command: 'preview',
  describe: 'Create and delete preview apps: Hasura Cloud projects built from a GitHub branch',
  builder: (y) => y,
  subcommands: [createCommand, deleteCommand],
});

function checkedName(name: string): string {
  const problem = nameProblem('projectName', name);
  if (problem) throw new UserError(`--name ${problem}`);
  return name;
}

/**
 * `--env KEY=VALUE` entries as a map. Messages name the entry by position and key only: a value
 * (or an entry missing its `=`, which may be a value) is never repeated back.
 */
function parseEnv(entries: readonly string[]): Map<string, string> {
  const env = new Map<string, string>();
  entries.forEach((entry, i) => {
    const at = entry.indexOf('=');
    if (at < 0) throw new UserError(`--env entry ${i + 1} has no "=": expected KEY=VALUE`);
    const key = entry.slice(0, at);
    const problem = nameProblem('envKey', key);
    if (problem) throw new UserError(`--env entry ${i + 1}: ${problem}`);
    if (env.has(key)) throw new UserError(`--env sets ${key} twice; give each key once`);
    env.set(key, entry.slice(at + 1));
  });
  return env;
}

/** Polls the job, with backoff, until it has finished or `timeoutSeconds` have passed. */
async function waitForJob(client: CloudClient, jobId: string, timeoutSeconds: number): Promise<Job> {
  const deadline = performance.now() + timeoutSeconds * 1000;
  for (let wait = POLL_FIRST_MS; ; wait = Math.min(wait * 2, POLL_MAX_MS)) {
    const left = deadline - performance.now();
    if (left <= 0) {
      throw new UserError(
        `preview job ${jobId} had not finished after ${timeoutSeconds} s; it keeps running in Hasura Cloud (wait longer with --timeout)`,
      );
    }
    await sleep(Math.min(wait, left));
    const job = await client.getJob(jobId);
    if (!job) throw new UserError(`Hasura Cloud has no preview job ${jobId}`);
    if (FINISHED.has(job.status)) return job;
  }
}

/** The project a finished job made, or the job's own account of why there is none. */
function finishedProjectId(job: Job): string {
  const events = job.tasks.flatMap((task) => task.task_events);
  if (job.status === 'failed') {
    const errors = events.flatMap((e) => (e.error ? [e.error] : []));
    throw new UserError(`preview job ${job.id} failed: ${errors.length > 0 ? errors.join('; ') : 'Hasura Cloud gave no reason'}`);
  }
  if (job.status === 'skipped') {
    throw new UserError(`preview job ${job.id} was skipped: Hasura Cloud skips a preview job when a newer one for the same app is scheduled`);
  }
  const data = events.find((e) => e.event_type === 'success')?.public_event_data;
  const projectId = typeof data === 'object' && data !== null ? (data as { projectId?: unknown }).projectId : undefined;
  if (typeof projectId !== 'string') throw new UserError(`preview job ${job.id} succeeded but did not say which project it made`);
  return projectId;
}

interface Created {
  name: string;
  projectId: string;
  tenantId: string | null;
  endpoint: string;
  jobId: string;
  /** The keys set with --env; their values are not output. */
  env: string[];
}

function printCreated(ctx: Context, created: Created, format: 'text' | 'json'): void {
  if (format === 'json') {
    ctx.stdout.write(`${JSON.stringify(created, null, 2)}\n`);
    return;
  }
  const lines = [
    `Preview app ${created.name} is ready.`,
    `  endpoint: ${created.endpoint}`,
    `  project:  ${created.projectId}`,
    ...(created.tenantId ? [`  tenant:   ${created.tenantId}`] : []),
    `  job:      ${created.jobId}`,
    ...(created.env.length > 0 ? [`  env:      ${created.env.join(', ')} (values not shown)`] : []),
  ];
  ctx.stdout.write(`${lines.join('\n')}\n`);
}
