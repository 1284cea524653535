import { resolve } from 'node:path';
import { UserError } from '../errors.js';
import { SecretReader, SourceFileError, type FileSource } from '../secrets/index.js';
import { didYouMean, quoteList } from '../util/words.js';
import { createOptions } from './create.js';
import { ValidationError } from './diagnostics.js';
import {
  at,
  declaredSensitive,
  readDeclared,
  readFile,
  type Declared,
  type EnvEntry,
  type MergedProject,
  type Problems,
} from './declared.js';
import { displayPath } from './path.js';
import { valueProblem } from './names.js';
import { selectProjects, type Shard } from './select.js';
import type { Desired, DesiredProject, DesiredValue, Diagnostic, SourceLocation, ValueSource } from './types.js';

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
  const { files, projects, problems, everyFileValid, sensitiveKeys } = await readDeclared(paths, options.cwd);
  const names = projects.map((p) => p.name);
  const selection = selectProjects(names, options.projects, options.shard);
  // With a file broken, "no project is declared" or "matches no project" could be wrong.
  if (everyFileValid) {
    if (names.length === 0) problems.add({ message: `no project is declared in ${quoteList(files, 'and')}; declare one under projects:` });
    for (const pattern of selection.unmatched) problems.add({ message: unmatchedProject(pattern, names) });
  }
  const selected = new Set(selection.selected);
  const secrets = new SecretReader(options.env, options.cwd);
  const desired = await Promise.all(
    projects.filter((p) => selected.has(p.name)).map((p) => resolveProject(p, options.env, secrets, problems)),
  );
  problems.throwIfAny();
  return { projects: desired, files, sensitiveKeys };
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
 * Reads sensitive values again (for apply of a saved plan), each file source once per run: from
 * the environment, a SOPS file or a file, or by loading the desired-state file anew. The project's
 * own entry wins over the file's defaults, as when loading.
 */
export function sourceResolver(options: {
  cwd: string;
  env: Record<string, string | undefined>;
}): (source: ValueSource) => Promise<string> {
  const secrets = new SecretReader(options.env, options.cwd);
  const desiredFiles = new Map<string, ReturnType<typeof readFile>>();
  const desiredFile = (file: string): ReturnType<typeof readFile> => {
    const absolute = resolve(options.cwd, file);
    let read = desiredFiles.get(absolute);
    if (!read) {
      read = readFile(absolute, file);
      desiredFiles.set(absolute, read);
    }
    return read;
  };
  return (source) => resolveSource(source, options, secrets, desiredFile);
}

async function resolveSource(
  source: ValueSource,
  options: { cwd: string; env: Record<string, string | undefined> },
  secrets: SecretReader,
  desiredFile: (file: string) => ReturnType<typeof readFile>,
): Promise<string> {
  if ('fromEnv' in source) return variableOrThrow(source.fromEnv, options.env);
  if ('fromSops' in source || 'fromFile' in source) return secrets.read(source, resolve(options.cwd, source.file));
  const read = await desiredFile(source.file);
  if (!read.file || read.diagnostics.length > 0) throw new ValidationError(read.diagnostics);
  const { content } = read.file;
  const entry = content.projects?.[source.project]?.env?.[source.key] ?? content.defaults?.env?.[source.key];
  if (entry === undefined) {
    throw new UserError(
      `${source.file} no longer declares ${source.key} for ${source.project}; it changed since the plan was made — make a new plan`,
    );
  }
  if (typeof entry === 'string') return entry;
  if ('value' in entry) return entry.value;
  if ('fromEnv' in entry) return variableOrThrow(entry.fromEnv, options.env);
  return secrets.read(entry, resolve(options.cwd, source.file));
}

/** What `hcr validate` finds wrong with one file on its own (encoding, YAML, schema, globs); nothing when it is valid. */
export async function fileProblems(absolute: string, display: string): Promise<Diagnostic[]> {
  return (await readFile(absolute, display)).diagnostics;
}

async function resolveProject(
  project: MergedProject,
  variables: Record<string, string | undefined>,
  secrets: SecretReader,
  problems: Problems,
): Promise<DesiredProject> {
  const env: Record<string, DesiredValue> = Object.create(null);
  const declarations = [...project.env].sort(([a], [b]) => (a < b ? -1 : 1));
  const values = await Promise.all(
    declarations.map(([key, declared]) => resolveValue(key, declared, project.name, variables, secrets, problems)),
  );
  declarations.forEach(([key, declared], i) => {
    const value = values[i];
    if (value) env[key] = { ...value, keyAt: at(declared, 'key') };
  });
  const { tenantId, create, remove = [] } = project.value;
  return {
    name: project.name,
    // A UUID is the same in either case; the service and every comparison in hcr see it in lowercase.
    ...(tenantId !== undefined && { tenantId: tenantId.toLowerCase() }),
    ...(create !== undefined && { create: createOptions(create) }),
    prune: project.prune,
    ignore: project.ignore,
    remove: [...remove],
    env,
    destroy: project.value.destroy ?? false,
    protect: project.protect,
    production: project.production,
    checks: project.checks,
    at: at(project, 'key'),
  };
}

async function resolveValue(
  key: string,
  declared: Declared<EnvEntry>,
  project: string,
  variables: Record<string, string | undefined>,
  secrets: SecretReader,
  problems: Problems,
): Promise<Omit<DesiredValue, 'keyAt'> | undefined> {
  const entry = declared.value;
  const fromFile: ValueSource = { file: declared.file.document.file, project, key };
  if (typeof entry === 'string' || 'value' in entry) {
    const value = typeof entry === 'string' ? entry : entry.value;
    return { value, sensitive: declaredSensitive(entry), source: fromFile };
  }
  if (!('fromEnv' in entry)) return readFileSource(entry, declared, secrets, problems);
  const variable = readVariable(entry.fromEnv, variables);
  if ('problem' in variable) {
    const name = { ...declared, path: [...declared.path, 'fromEnv'] };
    problems.add({ at: at(name), message: `${displayPath(declared.path)}: ${variable.problem}` });
    return undefined;
  }
  return { value: variable.value, sensitive: declaredSensitive(entry), source: { fromEnv: entry.fromEnv } };
}

/**
 * A fromSops/fromFile value, held to the same rule as a value written in the file; a source that
 * cannot be read is a problem at the line naming it. Always sensitive.
 */
async function readFileSource(
  entry: FileSource,
  declared: Declared<EnvEntry>,
  secrets: SecretReader,
  problems: Problems,
): Promise<Omit<DesiredValue, 'keyAt'> | undefined> {
  const field = 'fromSops' in entry ? 'fromSops' : 'fromFile';
  const diagnostic = (message: string): Diagnostic => ({
    at: at({ ...declared, path: [...declared.path, field] }),
    message: `${displayPath(declared.path)}: ${field} ${message}`,
  });
  const problem = (message: string) => problems.add(diagnostic(message));
  let value: string;
  try {
    value = await secrets.read(entry, declared.file.absolute);
  } catch (err) {
    if (err instanceof SourceFileError) problems.addShared(err.file, diagnostic(err.message), displayPath(declared.path));
    else if (err instanceof UserError) problem(err.message);
    else throw err;
    return undefined;
  }
  const invalid = valueProblem(value);
  if (invalid) {
    problem(`${JSON.stringify('fromSops' in entry ? entry.fromSops : entry.fromFile)}: ${invalid}`);
    return undefined;
  }
  const file = declared.file.document.file;
  const source: ValueSource = 'fromSops' in entry ? { fromSops: entry.fromSops, file } : { fromFile: entry.fromFile, file };
  return { value, sensitive: true, source };
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
