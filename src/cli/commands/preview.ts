import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Argv } from 'yargs';
import { ensureEnv, tenantGone } from '../../apply/apply.js';
import type { CloudClient } from '../../cloud/client.js';
import { CONSOLE_PROJECTS_URL, consoleUrl } from '../../cloud/console.js';
import type { Job } from '../../cloud/types.js';
import { ValidationError, formatLocation } from '../../config/diagnostics.js';
import { DEFAULT_FILE } from '../../config/files.js';
import { protection } from '../../config/load.js';
import { CloudError } from '../../cloud/errors.js';
import { parseEnvFile } from '../../config/envfile.js';
import { nameProblem, unnamedProblem, valueProblem } from '../../config/names.js';
import { UserError } from '../../errors.js';
import { FileRefused, readSmallFile } from '../../util/files.js';
import type { PreviewApp } from '../../render/preview.js';
import { cloudClient } from '../cloud.js';
import { defineCommand, defineGroup } from '../command.js';
import type { Context, GlobalArgs } from '../context.js';
import { nonEmpty, seconds } from '../flags.js';
import { setGitHubOutputs } from '../github.js';
import { formatOption } from '../options.js';
import { ask } from '../prompt.js';

/** Job states after which nothing more happens (docs/hasura-cloud-api.md); anything else is still on its way. */
const FINISHED = new Set(['success', 'failed', 'skipped']);

/** OWNER/REPO as GitHub allows them: owners of letters, digits and inner hyphens; repositories also with `.` and `_`. */
const REPO = /^([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)\/([A-Za-z0-9._-]+)$/;

const createOptions = (y: Argv<GlobalArgs>) =>
  formatOption(y)
    .option('name', {
      type: 'string',
      demandOption: true,
      describe: 'The project name: lowercase letters, digits and hyphens',
      coerce: projectName,
    })
    .option('repo', { type: 'string', demandOption: true, describe: 'The GitHub repository, OWNER/REPO', coerce: gitHubRepo })
    .option('branch', { type: 'string', demandOption: true, describe: 'The branch to build from', coerce: nonEmpty('--branch') })
    .option('directory', {
      type: 'string',
      default: '.',
      describe: 'The Hasura project directory in the repository',
      coerce: nonEmpty('--directory'),
    })
    .option('region', { type: 'string', default: 'us-east-2', describe: 'The cloud region', coerce: nonEmpty('--region') })
    .option('plan', { type: 'string', default: 'cloud_free', describe: 'The Hasura Cloud plan, e.g. cloud_free or cloud_payg' })
    .option('cloud', { type: 'string', default: 'aws', describe: 'The cloud provider' })
    .option('env', {
      type: 'string',
      array: true,
      nargs: 1,
      default: [],
      describe: 'KEY=VALUE for the project (repeatable); wins over --env-file for the same key; values are never printed',
      coerce: envFlags,
    })
    .option('env-file', {
      type: 'string',
      describe: 'A file of KEY=VALUE lines (# comments, quotes, `export `; no $VAR expansion); values are never printed',
    })
    .option('timeout', { type: 'number', default: 600, describe: 'Seconds to wait for the preview app', coerce: seconds('--timeout') })
    .option('poll-interval', {
      type: 'number',
      default: 2,
      describe: 'Seconds between two looks at the job',
      coerce: seconds('--poll-interval'),
    })
    .example(
      'hcr preview create --name myapp-pr-42 --repo acme/myapp --branch feature --directory hasura',
      'Build the Hasura project in hasura/ of the branch as the preview app myapp-pr-42, and wait for it',
    )
    .example(
      'hcr preview create --name myapp-pr-42 --repo acme/myapp --branch feature --env-file preview.env --env "PG_DATABASE_URL=$DB"',
      'With the env of preview.env, and one secret value from the environment (never printed)',
    )
    .example('hcr preview create ... --format json', 'Where the app is (endpoint, console, ids) as one JSON document');

const createCommand = defineCommand({
  command: 'create',
  describe: 'Create (or redeploy) a preview app from a GitHub branch and wait until it is ready; GitHub token from GITHUB_TOKEN',
  builder: createOptions,
  run: async (ctx, args) => {
    const { name } = args;
    const [owner, repo] = args.repo.split('/') as [string, string];
    const env = projectEnv(ctx, args.envFile, args.env);
    // What the service or the job says may repeat an env value: masked, unless it is also one of
    // the plain flags (--cloud azure with --env REGION_HINT=azure), which is what a message about it means.
    const flags = new Set([name, args.repo, args.branch, args.directory, args.cloud, args.region, args.plan]);
    for (const value of env.values()) if (!flags.has(value)) ctx.redactor.add(value);
    const wait = { timeout: args.timeout, interval: args.pollInterval };
    const githubToken = ctx.env.GITHUB_TOKEN?.trim();
    if (!githubToken) {
      throw new UserError(
        `no GitHub token: set GITHUB_TOKEN to a token that can read ${args.repo} (in GitHub Actions: GITHUB_TOKEN: \${{ secrets.GITHUB_TOKEN }}); hcr never takes it from a flag`,
        'auth',
      );
    }
    ctx.redactor.add(githubToken);
    // Not `args` itself: --timeout here is the wait for the job, not the per-request limit cloudClient reads from it.
    const client = await cloudClient(ctx, { endpoint: args.endpoint, tokenFile: args.tokenFile });

    const { jobId } = await client.createGitHubPreviewApp({
      githubPersonalAccessToken: githubToken,
      githubRepoDetails: { owner, repo, branch: args.branch, directory: args.directory },
      projectOptions: {
        cloud: args.cloud,
        region: args.region,
        plan: args.plan,
        name,
        envVars: [...env].map(([key, value]) => ({ key, value })),
      },
    });
    ctx.log(`Scheduled preview app ${name} (job ${jobId}); waiting up to ${args.timeout} s for it.`);
    const job = await waitForJob(ctx, client, name, jobId, wait);
    const projectId = finishedProjectId(name, job, (text) => ctx.redactor.mask(text));
    const project = await client.getProject(projectId);
    if (!project) throw new UserError(`preview job ${jobId} reported project ${projectId}, which Hasura Cloud does not know`);
    if (project.name !== name) {
      ctx.view.diagnostics([{ severity: 'warning', message: `Hasura Cloud named the project ${project.name}, not ${name}` }]);
    }

    const created: PreviewApp = {
      name: project.name,
      projectId: project.id,
      tenantId: project.tenant?.id ?? null,
      endpoint: project.endpoint,
      consoleUrl: consoleUrl(project.id),
      jobId,
      env: [...env.keys()],
      ...(env.size > 0 ? await checkEnv(client, project.tenant?.id, env) : {}),
    };
    ctx.view.previewApp(created);
    setGitHubOutputs(ctx, {
      name: created.name,
      project_id: created.projectId,
      endpoint: created.endpoint,
      console_url: created.consoleUrl,
    });
    if (!created.envMissing) return 0;
    // The app is up, but maybe not with the env it was given: the run has failed.
    ctx.view.diagnostics([
      { message: `preview app ${created.name} is up, but hcr could not make sure it has the env it was given: ${created.envProblem}` },
    ]);
    return 1;
  },
});

/**
 * Hasura Cloud has been seen to build a preview app without the env its job was given (docs/hasura-cloud-api.md),
 * so the env is read back: the keys missing or different are set with updateTenantEnv on the hash
 * just read. Names only, never values, go into what is printed.
 */
async function checkEnv(
  client: CloudClient,
  tenantId: string | undefined,
  env: Map<string, string>,
): Promise<Pick<PreviewApp, 'envSetAfterJob' | 'envMissing' | 'envProblem'>> {
  const keys = [...env.keys()];
  if (!tenantId) return { envMissing: keys, envProblem: 'the project has no tenant, so its env cannot be read' };
  const ensured = await ensureEnv(client, tenantId, Object.fromEntries(env));
  if (ensured.status === 'landed') return ensured.set.length > 0 ? { envSetAfterJob: ensured.set } : {};
  return { envMissing: keys, envProblem: ensured.reason };
}

const deleteCommand = defineCommand({
  command: 'delete',
  describe: 'Delete the project of this name, e.g. when its pull request closes; never one the desired state protects',
  builder: (y) =>
    y
      .option('name', { type: 'string', demandOption: true, describe: 'The project name', coerce: projectName })
      .option('if-exists', { type: 'boolean', default: false, describe: 'Succeed when no project has this name' })
      .option('yes', { type: 'boolean', default: false, describe: 'Delete without asking (needed when not run in a terminal)' })
      .option('file', {
        alias: 'f',
        type: 'string',
        array: true,
        nargs: 1,
        default: [] as string[],
        describe: `Desired-state files whose protect: true refuses the deletion (default: ${DEFAULT_FILE}, when there is one)`,
      })
      .example('hcr preview delete --name myapp-pr-42 --if-exists --yes', 'When the pull request closes: delete its app, if it has one')
      .example('hcr preview delete --name myapp-pr-42 -f envs/', 'Ask first; refuse if a file in envs/ protects the project'),
  run: async (ctx, args) => {
    const { name } = args;
    const interactive = Boolean(ctx.stdin.isTTY && ctx.stdout.isTTY);
    if (!args.yes && !interactive) {
      throw new UserError('preview delete needs --yes when it is not run in a terminal (nothing was deleted)', 'usage');
    }
    await refuseProtected(ctx, name, args.file);
    const client = await cloudClient(ctx, args);
    const [project] = await client.findProjectsByName([name]);
    if (!project) {
      if (!args.ifExists) {
        throw new UserError(
          `no project is named ${name}; nothing was deleted (with --if-exists that is a success, e.g. for cleanup when a pull request closes)`,
        );
      }
      ctx.view.say(`No project is named ${name}; nothing to delete.`);
      return 0;
    }
    if (!project.tenant) throw new UserError(`project ${name} has no tenant, so it cannot be deleted through the API`);
    const described = `project ${name} (project ${project.id}, tenant ${project.tenant.id})`;
    if (!args.yes) {
      const answer = await ask(ctx, `Delete ${described}, with every env var in it?\n  Only "yes" will be accepted.\n\n  Enter a value: `);
      if (answer !== 'yes') {
        ctx.view.say('\nDelete cancelled; nothing was deleted.');
        return 1;
      }
    }
    const status = await deleteTenant(client, project.tenant.id);
    ctx.view.say(`Deleted ${described}: ${status}`);
    return 0;
  },
});

/**
 * A project the desired state protects (protect: true, or defaults.protect) is never deleted, by
 * apply or by this. The files are hasura-cloud.yaml when it is there, or those given with -f,
 * which must then exist; without either there is no protection to check.
 */
async function refuseProtected(ctx: Context, name: string, files: string[]): Promise<void> {
  if (files.length === 0 && !existsSync(resolve(ctx.cwd, DEFAULT_FILE))) return;
  const at = await protection(files, ctx.cwd, name);
  if (at) {
    throw new UserError(
      `${name} is protected (protect: true at ${formatLocation(at)}); nothing was deleted. ` +
        'hcr never deletes a protected project: to delete it, set protect: false there first, through review.',
    );
  }
}

/**
 * deleteTenant, and if it fails in a way that leaves doubt (a lost answer, a malformed one, an
 * error in unknown words), a look at whether the tenant is still there: the report is what happened.
 */
async function deleteTenant(client: CloudClient, tenantId: string): Promise<string> {
  try {
    return (await client.deleteTenant(tenantId)).status;
  } catch (err) {
    if (!(err instanceof CloudError) || err.kind === 'not-authorized') throw err;
    const gone = await tenantGone(client, tenantId);
    if (gone) return `deleted (the answer was lost or garbled: ${err.settledMessage}; the project is gone)`;
    throw gone === false ? new UserError(`${err.settledMessage}; the project is still there`) : err;
  }
}

export const previewCommand = defineGroup({
  builder: (y) =>
    y
      .example(
        'hcr preview create --name myapp-pr-42 --repo acme/myapp --branch feature',
        'Build the branch as a preview app, and wait for it',
      )
      .example('hcr preview delete --name myapp-pr-42 --if-exists --yes', 'Delete it when the pull request closes'),
  subcommands: [createCommand, deleteCommand],
});

/** `--name`: a project name Hasura Cloud takes. */
function projectName(name: string): string {
  const problem = nameProblem('projectName', name);
  if (problem) throw new UserError(`--name ${problem}`, 'usage');
  return name;
}

function gitHubRepo(text: string): string {
  const match = REPO.exec(text);
  if (!match || match[2] === '.' || match[2] === '..') {
    throw new UserError(`--repo ${JSON.stringify(text)}: expected OWNER/REPO, e.g. hasura/graphql-engine`, 'usage');
  }
  return text;
}

/**
 * `--env KEY=VALUE`, each entry checked. Messages name entries by place and key only: an entry
 * without its `=`, or with a malformed key, may be a value typed in the wrong place, and is never
 * repeated back.
 */
function envFlags(entries: string[]): Map<string, string> {
  const flags = new Map<string, string>();
  entries.forEach((entry, i) => {
    const at = entry.indexOf('=');
    if (at < 0) throw new UserError(`--env entry ${i + 1} has no "=": expected KEY=VALUE`, 'usage');
    const key = entry.slice(0, at);
    const problem = unnamedProblem('envKey', key);
    if (problem) throw new UserError(`--env entry ${i + 1}: the key is ${problem}`, 'usage');
    if (flags.has(key)) throw new UserError(`--env sets ${key} twice; give each key once`, 'usage');
    const value = entry.slice(at + 1);
    const refused = valueProblem(value);
    if (refused) throw new UserError(`--env ${key}: ${refused}`, 'usage');
    flags.set(key, value);
  });
  return flags;
}

/** The project's env: --env-file, then --env over it. */
function projectEnv(ctx: Context, envFile: string | undefined, flags: Map<string, string>): Map<string, string> {
  const env = envFile === undefined ? new Map<string, string>() : readEnvFile(ctx, envFile);
  for (const [key, value] of flags) env.set(key, value);
  return env;
}

/** An env file holds a preview app's few dozen variables; one past this is some other file. */
const MAX_ENV_FILE_BYTES = 1024 * 1024;

function readEnvFile(ctx: Context, file: string): Map<string, string> {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(readSmallFile(resolve(ctx.cwd, file), MAX_ENV_FILE_BYTES).bytes);
  } catch (err) {
    if (err instanceof FileRefused) throw new UserError(`--env-file ${file}: ${err.reason}`);
    if (err instanceof TypeError)
      throw new UserError(`--env-file ${file}: not UTF-8 text (its content is not shown); is it the right file?`);
    throw err;
  }
  const { env, diagnostics } = parseEnvFile(text, file);
  if (diagnostics.length > 0) throw new ValidationError(diagnostics);
  return env;
}

/**
 * Looks at the job every `interval` seconds until it has finished; a timeout is an error that
 * says the job goes on without us. On a terminal, a line shows the time waited and the job's
 * latest step.
 */
async function waitForJob(
  ctx: Context,
  client: CloudClient,
  name: string,
  jobId: string,
  wait: { timeout: number; interval: number },
): Promise<Job> {
  const started = performance.now();
  const deadline = started + wait.timeout * 1000;
  const progress = ctx.progress(`Preview app ${name}`);
  try {
    for (;;) {
      const left = deadline - performance.now();
      if (left <= 0) {
        throw new UserError(
          `preview app ${name} is not ready after ${wait.timeout} s (job ${jobId}). The job keeps running in Hasura Cloud and ` +
            `may still finish: the project appears at ${CONSOLE_PROJECTS_URL} once it is ready. To wait longer, run this again ` +
            'with a longer --timeout (that schedules a new job, which takes the place of this one).',
        );
      }
      await sleep(Math.min(wait.interval * 1000, left));
      const job = await client.getJob(jobId);
      if (!job) throw new UserError(`Hasura Cloud has no preview job ${jobId}`);
      if (FINISHED.has(job.status)) return job;
      progress.status(`${latestStep(job)}, ${Math.round((performance.now() - started) / 1000)} s`);
    }
  } finally {
    progress.done();
  }
}

/** `task: event` of the job's last task, or its status when it has no task yet. */
function latestStep(job: Job): string {
  const task = job.tasks.at(-1);
  const event = task?.task_events.at(-1);
  return task ? `${task.name}: ${event?.event_type ?? 'waiting'}` : job.status;
}

/**
 * The project a finished job made, or the job's own account of why there is none, with `mask`
 * applied to it: a build log may repeat the GitHub token or an env value it was given.
 */
function finishedProjectId(name: string, job: Job, mask: (text: string) => string): string {
  const events = job.tasks.flatMap((task) => task.task_events);
  const reasons = events.flatMap((e) => (e.error ? [mask(e.error)] : []));
  if (job.status === 'failed') {
    throw new UserError(
      `preview app ${name} failed (job ${job.id}): ${reasons.length > 0 ? reasons.join('; ') : 'Hasura Cloud gave no reason'}`,
    );
  }
  if (job.status === 'skipped') {
    const why = reasons.length > 0 ? reasons.join('; ') : 'Hasura Cloud skips a preview job when another one for the same app is scheduled';
    throw new UserError(`preview app ${name} was skipped (job ${job.id}): ${why}. The newer job builds the app; this one made nothing.`);
  }
  const data = events.find((e) => e.event_type === 'success')?.public_event_data;
  const projectId = typeof data === 'object' && data !== null ? (data as { projectId?: unknown }).projectId : undefined;
  if (typeof projectId !== 'string') throw new UserError(`preview job ${job.id} succeeded but did not say which project it made`);
  return projectId;
}
