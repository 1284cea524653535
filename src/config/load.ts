import { resolve } from 'node:path';
import { UserError } from '../errors.js';
import { ValidationError, formatLocation } from './diagnostics.js';
import { readDocument, type ParsedDocument } from './document.js';
import { DEFAULT_FILE, findFiles } from './files.js';
import { globMatcher, globProblem } from './glob.js';
import { displayPath, valueAt, type Path } from './path.js';
import { checkSchema } from './explain.js';
import { valueProblem } from './names.js';
import { selectProjects, type Shard } from './select.js';
import { usableContent } from './usable.js';
import type { CreateOptions, Desired, DesiredProject, DesiredValue, Diagnostic, ValueSource } from './types.js';
import { didYouMean, quoteList } from './words.js';

/** A desired-state file as the schema guarantees it to be. */
type EnvEntry = string | { value: string; sensitive?: boolean } | { fromEnv: string; sensitive?: boolean };
interface ProjectEntry {
  tenantId?: string;
  create?: CreateOptions;
  prune?: boolean;
  ignore?: string[];
  remove?: string[];
  env?: Record<string, EnvEntry>;
  destroy?: boolean;
  protect?: boolean;
}
interface FileContent {
  version: 1;
  defaults?: { env?: Record<string, EnvEntry>; ignore?: string[]; prune?: boolean; protect?: boolean };
  projects?: Record<string, ProjectEntry>;
}

interface ValidFile {
  document: ParsedDocument;
  content: FileContent;
}

/** Something declared in a file, with its place. */
interface Declared<T> {
  value: T;
  file: ValidFile;
  path: Path;
}

interface Glob extends Declared<string> {
  matches(key: string): boolean;
}

interface Defaults {
  env: Map<string, Declared<EnvEntry>>;
  ignore: Glob[];
  prune?: Declared<boolean>;
  protect?: Declared<boolean>;
}

interface ProjectDeclaration extends Declared<ProjectEntry> {
  name: string;
}

/** A project with defaults merged in; its values are resolved only if it is selected. */
interface MergedProject extends ProjectDeclaration {
  env: Map<string, Declared<EnvEntry>>;
  ignore: string[];
  prune: boolean;
  protect: boolean;
}

export interface LoadOptions {
  cwd: string;
  /** Where fromEnv values are read from. */
  env: Record<string, string | undefined>;
  /** `--project` globs; none selects every project. */
  projects?: string[];
  shard?: Shard;
}

/**
 * Loads, validates and merges the desired state in `paths` (files, or directories of *.yaml and
 * *.yml; hasura-cloud.yaml when empty). Every problem in every file is collected and thrown at
 * once as a ValidationError. The result holds the selected projects only, sorted by name; fromEnv
 * variables need to be set for those alone.
 */
export async function loadDesired(paths: string[], options: LoadOptions): Promise<Desired> {
  const found = await findFiles(paths.length > 0 ? paths : [DEFAULT_FILE], options.cwd);
  const problems = new Problems(found.diagnostics);
  const files: ValidFile[] = [];
  for (const input of found.files) {
    const read = await readFile(input.absolute, input.display);
    problems.add(...read.diagnostics);
    if (read.file) files.push(read.file);
  }
  // With a file broken, a project may be missing from what was read (a name hcr could not read as
  // one, a misspelt `projects:`): "no project is declared" or "matches no project" could then be wrong.
  const everyFileValid = problems.none();

  const defaults = mergeDefaults(files, problems);
  const projects = declaredProjects(files, problems).map((p) => mergeProject(p, defaults, problems));
  const names = projects.map((p) => p.name);
  const selection = selectProjects(names, options.projects, options.shard);
  if (everyFileValid) {
    if (names.length === 0)
      problems.add({
        message: `no project is declared in ${quoteList(
          found.files.map((f) => f.display),
          'and',
        )}; declare one under projects:`,
      });
    for (const pattern of selection.unmatched) problems.add({ message: unmatchedProject(pattern, names) });
  }
  const selected = new Set(selection.selected);
  const desired = projects.filter((p) => selected.has(p.name)).map((p) => resolveProject(p, options.env, problems));
  problems.throwIfAny();
  return { projects: desired, files: found.files.map((f) => f.display) };
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

/**
 * One file through every check that needs no other file (encoding, YAML, schema, globs), and what
 * of it the checks across files and projects can use: all of it when it is valid, else the part
 * that is (usableContent), so that they report their problems in the same run. Without `file`,
 * the file could not be read as YAML at all.
 */
async function readFile(absolute: string, display: string): Promise<{ file?: ValidFile; diagnostics: Diagnostic[] }> {
  const { document, diagnostics } = await readDocument(absolute, display);
  if (!document) return { diagnostics };
  const schema = checkSchema(document);
  const globs = globCheck(document, schema.broken.values);
  diagnostics.push(...schema.diagnostics, ...globs.diagnostics);
  const valid = schema.diagnostics.length + globs.diagnostics.length === 0;
  const broken = { values: [...schema.broken.values, ...globs.invalid], names: schema.broken.names };
  const content = (valid ? document.data : usableContent(document.data, broken)) as FileContent;
  return { file: { document, content }, diagnostics };
}

/**
 * Globs that are not valid, wherever an ignore list holds strings, even if the file breaks the
 * schema elsewhere; a glob the schema refused already (a character no key has) is not reported twice.
 */
function globCheck(document: ParsedDocument, refused: Path[]): { diagnostics: Diagnostic[]; invalid: Path[] } {
  const schemaRefused = new Set(refused.map((path) => JSON.stringify(path)));
  const projects = valueAt(document.data, ['projects']);
  const lists: Path[] = [
    ['defaults', 'ignore'],
    ...Object.keys(isMap(projects) ? projects : {}).map((name) => ['projects', name, 'ignore']),
  ];
  const diagnostics: Diagnostic[] = [];
  const invalid: Path[] = [];
  for (const list of lists) {
    const globs = valueAt(document.data, list);
    (Array.isArray(globs) ? globs : []).forEach((glob: unknown, i) => {
      const path = [...list, i];
      const problem = typeof glob === 'string' && !schemaRefused.has(JSON.stringify(path)) ? globProblem(glob) : undefined;
      if (!problem) return;
      invalid.push(path);
      diagnostics.push({ at: document.at(path), message: `${displayPath(path)}: ${JSON.stringify(glob)} is not a valid glob: ${problem}` });
    });
  }
  return { diagnostics, invalid };
}

function isMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function compile(glob: Declared<string>): Glob {
  return { ...glob, matches: globMatcher([glob.value]) };
}

/** Defaults of every file, for every project. Files may repeat a default but not contradict one. */
function mergeDefaults(files: ValidFile[], problems: Problems): Defaults {
  const merged: Defaults = { env: new Map(), ignore: [] };
  for (const file of files) {
    const { env = {}, ignore = [] } = file.content.defaults ?? {};
    for (const [key, value] of Object.entries(env)) {
      const declared = { value, file, path: ['defaults', 'env', key] };
      const earlier = merged.env.get(key);
      if (!earlier) merged.env.set(key, declared);
      else if (!sameEntry(earlier.value, value)) problems.add(contradiction(declared, earlier));
    }
    for (const setting of ['prune', 'protect'] as const) {
      const value = file.content.defaults?.[setting];
      if (value === undefined) continue;
      const declared = { value, file, path: ['defaults', setting] };
      const earlier = merged[setting];
      if (!earlier) merged[setting] = declared;
      else if (earlier.value !== value) problems.add(contradiction(declared, earlier));
    }
    ignore.forEach((value, i) => {
      if (!merged.ignore.some((g) => g.value === value)) merged.ignore.push(compile({ value, file, path: ['defaults', 'ignore', i] }));
    });
  }
  for (const [key, declared] of merged.env) {
    const glob = merged.ignore.find((g) => g.matches(key));
    if (glob) {
      problems.add({
        at: at(declared, 'key'),
        message: `${displayPath(declared.path)}: matches the ignore glob ${JSON.stringify(glob.value)} of defaults (${formatLocation(at(glob))}), so no project would get it — drop one of them`,
      });
    }
  }
  return merged;
}

function contradiction(later: Declared<unknown>, earlier: Declared<unknown>): Diagnostic {
  return {
    at: at(later),
    message: `${displayPath(later.path)}: contradicts the same default at ${formatLocation(at(earlier))}; defaults apply to the projects of every file — set it in one file only`,
  };
}

function sameEntry(a: EnvEntry, b: EnvEntry): boolean {
  const normal = (e: EnvEntry) =>
    typeof e === 'string'
      ? { value: e, sensitive: false }
      : 'value' in e
        ? { value: e.value, sensitive: e.sensitive ?? false }
        : { fromEnv: e.fromEnv, sensitive: e.sensitive ?? true };
  return JSON.stringify(normal(a)) === JSON.stringify(normal(b));
}

/** Every project of every file, each once, sorted by name; a second declaration or a shared tenant is an error. */
function declaredProjects(files: ValidFile[], problems: Problems): ProjectDeclaration[] {
  const byName = new Map<string, ProjectDeclaration>();
  const byTenant = new Map<string, Declared<string>>();
  for (const file of files) {
    for (const [name, entry] of Object.entries(file.content.projects ?? {})) {
      const declared = { name, value: entry, file, path: ['projects', name] };
      const earlier = byName.get(name);
      if (earlier) {
        problems.add({
          at: at(declared, 'key'),
          message: `${displayPath(declared.path)}: declared again; it is already declared at ${formatLocation(at(earlier, 'key'))} — declare each project in one file only`,
        });
        continue;
      }
      byName.set(name, declared);
      if (entry.tenantId === undefined) continue;
      const tenant = { value: name, file, path: [...declared.path, 'tenantId'] };
      const sameTenant = byTenant.get(entry.tenantId.toLowerCase());
      if (sameTenant) {
        problems.add({
          at: at(tenant),
          message: `${displayPath(tenant.path)}: the same tenant as project ${sameTenant.value} (${formatLocation(at(sameTenant))}); each project has its own tenant`,
        });
      } else {
        byTenant.set(entry.tenantId.toLowerCase(), tenant);
      }
    }
  }
  return [...byName.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, declared]) => declared);
}

/**
 * Defaults under the project's own settings. A default key is skipped where the project sets,
 * removes or ignores it; a key the project itself both sets and removes or ignores is an error.
 */
function mergeProject(project: ProjectDeclaration, defaults: Defaults, problems: Problems): MergedProject {
  const { value: entry, file, path } = project;
  const protect = entry.protect ?? defaults.protect?.value ?? false;
  if (entry.destroy) {
    checkDestroy(project, problems);
    return { ...project, env: new Map(), ignore: [], prune: false, protect };
  }
  const ownEnv = entry.env ?? {};
  const own = <T>(value: T, ...rest: (string | number)[]): Declared<T> => ({ value, file, path: [...path, ...rest] });
  const ownIgnore = (entry.ignore ?? []).map((glob, i) => compile(own(glob, 'ignore', i)));
  const ignore = [...defaults.ignore, ...ownIgnore.filter((g) => !defaults.ignore.some((d) => d.value === g.value))];
  const removed = new Set(entry.remove ?? []);

  (entry.remove ?? []).forEach((key, i) => {
    const removal = own(key, 'remove', i);
    if (Object.hasOwn(ownEnv, key)) {
      problems.add({
        at: at(removal),
        message: `${displayPath(removal.path)}: ${key} is both removed here and set at ${formatLocation(at(own(key, 'env', key), 'key'))} — keep one`,
      });
    }
    const glob = ignore.find((g) => g.matches(key));
    if (glob)
      problems.add({
        at: at(removal),
        message: `${displayPath(removal.path)}: ${key} matches the ignore glob ${JSON.stringify(glob.value)} (${formatLocation(at(glob))}), and ignored keys are never removed — drop one of them`,
      });
  });

  const env = new Map<string, Declared<EnvEntry>>();
  for (const [key, declared] of defaults.env) {
    if (!removed.has(key) && !ownIgnore.some((g) => g.matches(key))) env.set(key, declared);
  }
  for (const [key, value] of Object.entries(ownEnv)) {
    const declared = own(value, 'env', key);
    const glob = ignore.find((g) => g.matches(key));
    if (glob)
      problems.add({
        at: at(declared, 'key'),
        message: `${displayPath(declared.path)}: matches the ignore glob ${JSON.stringify(glob.value)} (${formatLocation(at(glob))}), and ignored keys are never set — drop one of them`,
      });
    env.set(key, declared);
  }
  return { ...project, env, ignore: ignore.map((g) => g.value), prune: entry.prune ?? defaults.prune?.value ?? false, protect };
}

/** Settings a project to destroy may not have. */
const NOT_WITH_DESTROY = ['create', 'prune', 'ignore', 'remove', 'env'] as const;

/**
 * A project to destroy is deleted whole: creating it, or setting, removing or ignoring its keys,
 * would contradict that, so it says nothing else (defaults do not reach it). The contradiction is
 * an error rather than ignored, so that nobody reads env that will never be applied.
 */
function checkDestroy(project: ProjectDeclaration, problems: Problems): void {
  const destroy = at({ ...project, path: [...project.path, 'destroy'] }, 'key');
  for (const field of NOT_WITH_DESTROY) {
    if (project.value[field] === undefined) continue;
    const declared = { ...project, path: [...project.path, field] };
    problems.add({
      at: at(declared, 'key'),
      message:
        `${displayPath(declared.path)}: not allowed with destroy: true (line ${destroy.line}, col ${destroy.col}): ` +
        `a project to destroy sets nothing but tenantId and protect — drop ${field}, or drop destroy`,
    });
  }
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

function at(declared: Declared<unknown>, part: 'value' | 'key' = 'value') {
  return declared.file.document.at(declared.path, part);
}

/** Problems of one run, each reported once. */
class Problems {
  private readonly found = new Map<string, Diagnostic>();

  constructor(initial: Diagnostic[]) {
    this.add(...initial);
  }

  add(...diagnostics: Diagnostic[]): void {
    for (const d of diagnostics) this.found.set(JSON.stringify([d.at, d.message]), d);
  }

  none(): boolean {
    return this.found.size === 0;
  }

  throwIfAny(): void {
    if (this.found.size > 0) throw new ValidationError([...this.found.values()]);
  }
}
