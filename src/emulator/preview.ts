import { randomUUID } from 'node:crypto';
import { invalidInput, previewFailure } from './messages.js';
import {
  entriesOf,
  envFrom,
  frozen,
  now,
  projectOptionsProblem,
  type EnvInput,
  type JobRecord,
  type JobStatus,
  type PreviewOutcome,
} from './records.js';

/** The payload of createGitHubPreviewApp, as GraphQL coerced it. */
export interface PreviewAppPayload {
  githubPersonalAccessToken: string;
  githubRepoDetails: { owner: string; repo: string; branch: string; directory: string };
  projectOptions: { cloud: string; region: string; plan: string; name: string; envVars?: EnvInput | null };
}

/** How long a preview-app job runs unless the emulator is told otherwise: long enough to watch it poll. */
export const PREVIEW_JOB_DELAY_MS = 1500;

/**
 * The emulator has no GitHub behind it: every repository exists, and every branch and directory
 * in it, except those whose name starts with this word. That is how a test makes a preview job
 * fail the way a typo in a branch name does.
 */
export const MISSING_PREFIX = 'missing';

/** GitHub's rules: letters, digits and single inner hyphens, at most 39 characters. */
const OWNER = /^[A-Za-z0-9](?:-?[A-Za-z0-9]){0,38}$/;
const REPO = /^[A-Za-z0-9._-]{1,100}$/;

/** What `git check-ref-format --branch` refuses, in the forms a mistyped flag produces. */
function branchProblem(branch: string): boolean {
  return (
    /[\s~^:?*[\\\u0000-\u001f\u007f]/.test(branch) ||
    branch.includes('..') ||
    branch.includes('@{') ||
    branch.includes('//') ||
    /^[/.]|[/.]$/.test(branch) ||
    branch.endsWith('.lock') ||
    branch === '@'
  );
}

/** A directory inside the repository: relative, with no `..` step out of it. */
const directoryProblem = (directory: string): boolean => directory.startsWith('/') || directory.split('/').includes('..');

/**
 * What is wrong with the payload's token and GitHub side, or undefined. The project options are
 * the store's to check, as for createTenant.
 */
function gitHubProblem(payload: PreviewAppPayload): string | undefined {
  const { githubPersonalAccessToken, githubRepoDetails: gh } = payload;
  const required: [string, string][] = [
    ['githubPersonalAccessToken', githubPersonalAccessToken],
    ['githubRepoDetails.owner', gh.owner],
    ['githubRepoDetails.repo', gh.repo],
    ['githubRepoDetails.branch', gh.branch],
  ];
  const empty = required.find(([, value]) => value.trim() === '');
  if (empty) return invalidInput.emptyField(empty[0]);
  if (!OWNER.test(gh.owner)) return previewFailure.owner(gh.owner);
  if (!REPO.test(gh.repo) || gh.repo === '.' || gh.repo === '..') return previewFailure.repo(gh.repo);
  if (branchProblem(gh.branch)) return previewFailure.branch(gh.branch);
  if (directoryProblem(gh.directory)) return previewFailure.directory(gh.directory);
  const repo = `${gh.owner}/${gh.repo}`;
  if (gh.branch.startsWith(MISSING_PREFIX)) return previewFailure.branchNotFound(repo, gh.branch);
  if (gh.directory.startsWith(MISSING_PREFIX)) return previewFailure.directoryNotFound(repo, gh.branch, gh.directory);
  return undefined;
}

const PREVIEW_TASK_NAME = 'create-preview-app';

/**
 * A new job for `payload`, running, with the outcome it will have decided now. With `dropEnv` the
 * job builds the project without the payload's env (the preview-drops-env quirk), while its
 * metadata still refers to those keys.
 */
export function scheduledJob(payload: PreviewAppPayload | null, dropEnv: boolean): JobRecord {
  const at = now();
  return frozen({
    id: randomUUID(),
    name: payload?.projectOptions.name ?? null,
    status: 'running',
    createdAt: at,
    updatedAt: at,
    tasks: [
      {
        id: randomUUID(),
        name: PREVIEW_TASK_NAME,
        cloud: payload?.projectOptions.cloud ?? null,
        region: payload?.projectOptions.region ?? null,
        createdAt: at,
        updatedAt: at,
        events: [{ id: randomUUID(), eventType: 'scheduled', publicEventData: null, error: null, createdAt: at }],
      },
    ],
    outcome: previewOutcome(payload, dropEnv),
  });
}

function previewOutcome(payload: PreviewAppPayload | null, dropEnv: boolean): PreviewOutcome {
  if (!payload) return { error: invalidInput.missingPayload() };
  const o = payload.projectOptions;
  const error = gitHubProblem(payload) ?? projectOptionsProblem(o);
  if (error) return { error };
  const env = envFrom(entriesOf(o.envVars));
  return {
    project: { name: o.name, cloud: o.cloud, region: o.region, plan: o.plan, env: dropEnv ? {} : env, metadataEnv: Object.keys(env) },
  };
}

/** The job ended, with one last event on each of its tasks: its status, and what it made or why it did not. */
export function finishedJob(
  job: JobRecord,
  status: Exclude<JobStatus, 'running'>,
  data: Record<string, unknown> | null,
  error: string | null,
): JobRecord {
  const at = now();
  return frozen({
    ...job,
    status,
    updatedAt: at,
    tasks: job.tasks.map((task) => ({
      ...task,
      updatedAt: at,
      events: [...task.events, { id: randomUUID(), eventType: status, publicEventData: data, error, createdAt: at }],
    })),
  });
}

/**
 * Finishes each job `delayMs` after it was scheduled, as Cloud's builder would after its build.
 * `stop` forgets the jobs still running: with a data file, the next start picks them up again.
 */
export class PreviewJobClock {
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly delayMs: number,
    private readonly finish: (jobId: string) => void,
  ) {}

  start(jobId: string): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.finish(jobId);
    }, this.delayMs);
    this.timers.add(timer);
  }

  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
