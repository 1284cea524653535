import { resolve } from 'node:path';
import { UserError } from '../errors.js';
import { ValidationError } from './diagnostics.js';
import { at, readDeclared, readFile, type Declared, type EnvEntry, type MergedProject, type Problems } from './declared.js';
import { displayPath } from './path.js';
import { valueProblem } from './names.js';
import { selectProjects, type Shard } from './select.js';
import type { Desired, DesiredProject, DesiredValue, SourceLocation, ValueSource } from './types.js';
import { didYouMean, quoteList } from './words.js';

export interface LoadOptions {
  cwd: string;
  /** Where fromEnv values are read from. */
  env: Record<string, string | undefined>;
  /** `--project` globs; none selects every project. */
  projects?: string[];
  shard?: Shard;
}

/**
 * Loads, validates and merges the desired state in `paths` (see readDeclared). Every problem in
 * every file is collected and thrown at once as a ValidationError. The result holds the selected
 * projects only, sorted by name; fromEnv variables need to be set for those alone.
 */
export async function loadDesired(paths: string[], options: LoadOptions): Promise<Desired> {
  const { files, projects, problems, everyFileValid } = await readDeclared(paths, options.cwd);
  const names = projects.map((p) => p.name);
  const selection = selectProjects(names, options.projects, options.shard);
  // With a file broken, "no project is declared" or "matches no project" could be wrong.
  if (everyFileValid) {
    if (names.length === 0) problems.add({ message: `no project is declared in ${quoteList(files, 'and')}; declare one under projects:` });
    for (const pattern of selection.unmatched) problems.add({ message: unmatchedProject(pattern, names) });
  }
  const selected = new Set(selection.selected);
  const desired = projects.filter((p) => selected.has(p.name)).map((p) => resolveProject(p, options.env, problems));
  problems.throwIfAny();
  return { projects: desired, files };
}

/**
 * Where the desired state in `paths` protects the project `name` from deletion (its own
 * `protect: true`, or `defaults.protect`), or undefined when it does not (or does not declare it):
 * for commands that delete a project outside a plan. The files must be valid, since a protection
 * hcr cannot read is none to rely on; values are not resolved (no fromEnv variable is needed).
 */
export async function protection(paths: string[], cwd: string, name: string): Promise<SourceLocation | undefined> {
  const { projects, problems } = await readDeclared(paths, cwd);
  problems.throwIfAny();
  return projects.find((p) => p.name === name)?.protectedAt;
}

/**
 * Reads a sensitive value again (for apply of a saved plan): from the environment, or by loading
 * its file anew. The project's own entry wins over the file's defaults, as when loading.
 */
export async function resolveSource(
  source: ValueSource,
  options: { cwd: string; env: Record<string, string | undefined> },
): Promise<string> {
  if ('fromEnv' in source) return variableOrThrow(source.fromEnv, options.env);
  const read = await readFile(resolve(options.cwd, source.file), source.file);
  if (!read.file || read.diagnostics.length > 0) throw new ValidationError(read.diagnostics);
  const { content } = read.file;
  const entry = content.projects?.[source.project]?.env?.[source.key] ?? content.defaults?.env?.[source.key];
  if (entry === undefined) {
    throw new UserError(
      `${source.file} no longer declares ${source.key} for ${source.project}; it changed since the plan was made — make a new plan`,
    );
  }
  if (typeof entry === 'string') return entry;
  return 'value' in entry ? entry.value : variableOrThrow(entry.fromEnv, options.env);
}

function resolveProject(project: MergedProject, variables: Record<string, string | undefined>, problems: Problems): DesiredProject {
  const env: Record<string, DesiredValue> = Object.create(null);
  for (const [key, declared] of [...project.env].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const value = resolveValue(key, declared, project.name, variables, problems);
    if (value) env[key] = value;
  }
  const { tenantId, create, remove = [] } = project.value;
  return {
    name: project.name,
    // A UUID is the same in either case; the service and every comparison in hcr see it in lowercase.
    ...(tenantId !== undefined && { tenantId: tenantId.toLowerCase() }),
    ...(create !== undefined && { create: { ...create } }),
    prune: project.prune,
    ignore: project.ignore,
    remove: [...remove],
    env,
    destroy: project.value.destroy ?? false,
    protect: project.protect,
    at: at(project, 'key'),
  };
}

function resolveValue(
  key: string,
  declared: Declared<EnvEntry>,
  project: string,
  variables: Record<string, string | undefined>,
  problems: Problems,
): DesiredValue | undefined {
  const entry = declared.value;
  const fromFile: ValueSource = { file: declared.file.document.file, project, key };
  if (typeof entry === 'string') return { value: entry, sensitive: false, source: fromFile, at: at(declared) };
  if ('value' in entry) return { value: entry.value, sensitive: entry.sensitive ?? false, source: fromFile, at: at(declared) };
  const variable = readVariable(entry.fromEnv, variables);
  if ('problem' in variable) {
    const name = { ...declared, path: [...declared.path, 'fromEnv'] };
    problems.add({ at: at(name), message: `${displayPath(declared.path)}: ${variable.problem}` });
    return undefined;
  }
  return { value: variable.value, sensitive: entry.sensitive ?? true, source: { fromEnv: entry.fromEnv }, at: at(declared) };
}

/**
 * A variable that is set but empty counts as missing: GitHub Actions expands a secret that does
 * not exist to "", and an empty admin secret must never be written by accident. An intentionally
 * empty value is written `value: ""`.
 */
function readVariable(name: string, variables: Record<string, string | undefined>): { value: string } | { problem: string } {
  const value = variables[name];
  if (value === undefined) return { problem: `the environment variable ${name} (fromEnv) is not set` };
  if (value === '') {
    return {
      problem: `the environment variable ${name} (fromEnv) is empty, which is how CI passes a secret that does not exist — set it, or write value: "" for an empty value`,
    };
  }
  // Held to the same rule as a value written in the file.
  const problem = valueProblem(value);
  if (problem) return { problem: `the environment variable ${name} (fromEnv): ${problem}` };
  return { value };
}

function variableOrThrow(name: string, variables: Record<string, string | undefined>): string {
  const variable = readVariable(name, variables);
  if ('problem' in variable) throw new UserError(`cannot read a sensitive value again: ${variable.problem}`);
  return variable.value;
}

function unmatchedProject(pattern: string, names: string[]): string {
  const guess = didYouMean(pattern, names);
  const hint = guess
    ? ` — did you mean "${guess}"?`
    : names.length > 0
      ? ` (declared: ${names.slice(0, 10).join(', ')}${names.length > 10 ? ', …' : ''})`
      : '';
  return `--project ${JSON.stringify(pattern)} matches no declared project${hint}`;
}
