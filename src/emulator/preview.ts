import { invalidInput, previewFailure } from './messages.js';
import type { EnvInput } from './store.js';

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
export function gitHubProblem(payload: PreviewAppPayload): string | undefined {
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
