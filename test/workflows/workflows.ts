import { readFileSync, readdirSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { isHcrLine, logicalLines, parseCommand, type Env, type ShellCommand } from './shell.js';

export const EXAMPLES = new URL('../../examples/', import.meta.url);

export type Ci = 'github-actions' | 'gitlab-ci';

/** One shell script of a workflow: a GitHub step's `run:`, or one item of a GitLab job's script lists. */
export interface Script {
  job: string;
  /** The step's name (GitHub), or the list and index (GitLab: `script[1]`). */
  where: string;
  /** As written: GitHub's workflow, job and step `env:` merged; GitLab's global and job `variables:`. */
  env: Record<string, string>;
  text: string;
}

/** A GitHub step that runs hcr's own Action (action.yml): `uses: OWNER/hasura-cloud-reconciler@vN`. */
export interface ActionStep {
  job: string;
  where: string;
  /** Its `with:`, as written. */
  inputs: Record<string, string>;
  /** The workflow's, job's and step's `env:`, merged, as written. */
  env: Record<string, string>;
}

export interface Workflow {
  ci: Ci;
  /** The file name inside examples/<ci>/. */
  name: string;
  text: string;
  /** The parsed YAML. Example files are ours and small: they are checked by the tests, not typed. */
  doc: any;
  scripts: Script[];
  actions: ActionStep[];
}

/** How a workflow names hcr's Action. */
export const ACTION_USES = /^[\w.-]+\/hasura-cloud-reconciler@v\d+$/;

/** An `hcr ...` line of a workflow, parsed as its shell would, with the environment the workflow gives it. */
export interface HcrCommand extends ShellCommand {
  workflow: string;
  job: string;
  where: string;
  /** The logical line as written. */
  line: string;
  env: Env;
}

export function workflowNames(ci: Ci): string[] {
  return readdirSync(new URL(`${ci}/`, EXAMPLES))
    .filter((f) => f.endsWith('.yml'))
    .sort();
}

/** Reads and parses one example workflow; any YAML error or duplicate key throws. */
export function readWorkflow(ci: Ci, name: string): Workflow {
  const text = readFileSync(new URL(`${ci}/${name}`, EXAMPLES), 'utf8');
  const parsed = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  const problems = [...parsed.errors, ...parsed.warnings];
  if (problems.length > 0) throw new Error(`${ci}/${name}: ${problems.map((p) => p.message).join('\n')}`);
  const doc = parsed.toJS();
  const github = ci === 'github-actions';
  return { ci, name, text, doc, scripts: github ? gitHubScripts(doc) : gitLabScripts(doc), actions: github ? gitHubActions(doc) : [] };
}

function gitHubActions(doc: any): ActionStep[] {
  return Object.entries<any>(doc.jobs).flatMap(([job, spec]) =>
    (spec.steps as any[]).flatMap((step, index): ActionStep[] =>
      ACTION_USES.test(String(step.uses))
        ? [
            {
              job,
              where: step.name ?? step.id ?? `steps[${index}]`,
              inputs: stringValues(step.with ?? {}),
              env: stringValues({ ...doc.env, ...spec.env, ...step.env }),
            },
          ]
        : [],
    ),
  );
}

function gitHubScripts(doc: any): Script[] {
  if (doc.defaults?.run) throw new Error('defaults.run (working directory, shell) is not modelled by this test');
  return Object.entries<any>(doc.jobs).flatMap(([job, spec]) =>
    (spec.steps as any[]).flatMap((step, index): Script[] => {
      if (step.run === undefined) return [];
      if (step['working-directory'] || step.shell) throw new Error(`${job}: working-directory and shell are not modelled by this test`);
      const env = { ...doc.env, ...spec.env, ...step.env };
      return [{ job, where: step.name ?? step.id ?? `steps[${index}]`, env: stringValues(env), text: step.run }];
    }),
  );
}

/** The GitLab keywords that may sit at the top level beside jobs. */
const GITLAB_GLOBALS = new Set(['default', 'include', 'stages', 'variables', 'workflow']);

function gitLabScripts(doc: any): Script[] {
  return Object.entries<any>(doc)
    .filter(([key]) => !GITLAB_GLOBALS.has(key) && !key.startsWith('.'))
    .flatMap(([job, spec]) => {
      const env = stringValues({ ...doc.variables, ...spec.variables });
      return (['before_script', 'script', 'after_script'] as const).flatMap((list) =>
        ((spec[list] ?? []) as unknown[]).map((text, index): Script => {
          if (typeof text !== 'string')
            throw new Error(`${job}.${list}[${index}] is not a string (nested lists, !reference) and not modelled`);
          return { job, where: `${list}[${index}]`, env, text };
        }),
      );
    });
}

function stringValues(env: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).map(([key, value]) => {
      if (typeof value === 'object' || value === undefined) throw new Error(`variable ${key}: only plain values are modelled`);
      return [key, String(value)];
    }),
  );
}

const EXPRESSION = /\$\{\{\s*(.*?)\s*\}\}/g;
const SECRET = /^secrets\.([A-Za-z_][A-Za-z0-9_]*)$/;

/**
 * The GitHub event a workflow runs for: the values of the context expressions the workflows read
 * (`github.event.number`), and the variables the runner sets from it (GITHUB_REPOSITORY).
 */
export interface GitHubEvent {
  context: Env;
  variables: Env;
}

const NO_EVENT: GitHubEvent = { context: {}, variables: {} };

/**
 * The environment the CI gives a script, with `secrets` standing for what the CI holds: GitHub's
 * `${{ secrets.X }}`, GitLab's CI/CD variables (which reach every job's environment). In a script
 * that runs hcr, a GitHub expression other than a secret or one of the event's throws: such a
 * step should get secrets and plain values only (no GH_TOKEN, say), and the test could not know
 * its value anyway.
 */
export function scriptEnv(ci: Ci, script: Pick<Script, 'job' | 'where' | 'env'>, secrets: Env, event: GitHubEvent): Env {
  if (ci === 'gitlab-ci') return { ...script.env, ...secrets };
  const env = Object.entries(script.env).map(([key, value]) => {
    const resolved = value.replace(EXPRESSION, (_, expression: string) => {
      const secret = SECRET.exec(expression)?.[1];
      if (secret) return secrets[secret] ?? fail(`${script.job}/${script.where}: no secret ${secret}`);
      return (
        event.context[expression] ?? fail(`${script.job}/${script.where}: ${key} is an expression hcr steps should not need: ${value}`)
      );
    });
    return [key, resolved];
  });
  return { ...event.variables, ...Object.fromEntries(env) };
}

/** Every hcr invocation in the workflow, in file order. */
export function hcrCommands(wf: Workflow, secrets: Env, event: GitHubEvent = NO_EVENT): HcrCommand[] {
  return wf.scripts.flatMap((script) => {
    const lines = logicalLines(script.text).filter(isHcrLine);
    if (lines.length === 0) return [];
    const env = scriptEnv(wf.ci, script, secrets, event);
    return lines.map((line) => ({
      ...parseCommand(line, env),
      workflow: wf.name,
      job: script.job,
      where: script.where,
      line: line.trim(),
      env,
    }));
  });
}

/** The desired-state path a workflow reads (its Action's `config:`, or HCR_CONFIG) and the paths that trigger it. */
export function configAndTriggers(wf: Workflow): { config: string; triggers: string[] | undefined } {
  if (wf.ci === 'github-actions') {
    const on = wf.doc.on;
    const triggers = on.pull_request?.paths ?? on.push?.paths;
    const [step, ...more] = wf.actions;
    if (!step || more.length > 0) throw new Error(`${wf.name}: expected one step of hcr's Action`);
    return { config: step.inputs.config ?? fail(`${wf.name}: the Action's config is not given`), triggers };
  }
  const [job] = Object.values<any>(wf.doc);
  const changes = (job.rules as any[]).flatMap((r) => r.changes ?? []);
  return { config: job.variables.HCR_CONFIG, triggers: changes.length > 0 ? changes : undefined };
}

/** The one command of a workflow that runs this subcommand with (at least) these arguments: `apply hcr.plan`. */
export function commandOf(commands: HcrCommand[], pattern: string): HcrCommand {
  const [subcommand, ...words] = pattern.split(' ');
  const found = commands.filter((c) => c.argv[1] === subcommand && words.every((w) => c.argv.includes(w)));
  if (found.length !== 1) throw new Error(`expected one \`hcr ${pattern}\` line, found ${found.length}`);
  return found[0]!;
}

function fail(message: string): never {
  throw new Error(message);
}
