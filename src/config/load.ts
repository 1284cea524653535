import { dirname, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { SecretReader, type FileSource } from '../secrets/index.js';
import { ValidationError, formatLocation } from './diagnostics.js';
import { readDocument, type ParsedDocument } from './document.js';
import { DEFAULT_FILE, findFiles } from './files.js';
import { globMatcher, globProblem } from './glob.js';
import { displayPath, valueAt, type Path } from './path.js';
import { schemaDiagnostics } from './schema.js';
import { selectProjects, type Shard } from './select.js';
import type { CreateOptions, Desired, DesiredProject, DesiredValue, Diagnostic, ValueSource } from './types.js';
import type { RuleId, Setting } from '../hasura/rules.js';
import { didYouMean, quoteList } from '../util/words.js';

/** A desired-state file as the schema guarantees it to be. */
type EnvEntry = string | { value: string; sensitive?: boolean } | { fromEnv: string; sensitive?: boolean } | FileSource;
type Checks = Partial<Record<RuleId, Setting>>;
interface ProjectEntry {
  tenantId?: string;
  create?: CreateOptions;
  prune?: boolean;
  ignore?: string[];
  remove?: string[];
  env?: Record<string, EnvEntry>;
  destroy?: boolean;
  protect?: boolean;
  production?: boolean;
  checks?: Checks;
}
interface FileContent {
  version: 1;
  defaults?: {
    env?: Record<string, EnvEntry>;
    ignore?: string[];
    prune?: boolean;
    protect?: boolean;
    production?: boolean;
    checks?: Checks;
  };
  projects?: Record<string, ProjectEntry>;
}

interface ValidFile {
  absolute: string;
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
  production?: Declared<boolean>;
  checks: Map<RuleId, Declared<Setting>>;
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
  production: boolean;
  checks: Checks;
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
    const read = await readValidFile(input.absolute, input.display);
    problems.add(...read.diagnostics);
    if (read.valid) files.push(read.valid);
  }
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
  const secrets = new SecretReader(options.env, options.cwd);
  const desired = await Promise.all(
    projects.filter((p) => selected.has(p.name)).map((p) => resolveProject(p, options.env, secrets, problems)),
  );
  problems.throwIfAny();
  return { projects: desired, files: found.files.map((f) => f.display), sensitiveKeys: sensitiveKeys(files) };
}

/** The keys some entry of some file declares sensitive, wherever it is and whether or not its project is selected. */
function sensitiveKeys(files: ValidFile[]): Set<string> {
  const keys = new Set<string>();
  for (const { content } of files) {
    const envs = [content.defaults?.env, ...Object.values(content.projects ?? {}).map((p) => p.env)];
    for (const env of envs) for (const [key, entry] of Object.entries(env ?? {})) if (declaredSensitive(entry)) keys.add(key);
  }
  return keys;
}

/**
 * A literal is sensitive only when marked so; a fromEnv value is, unless marked `sensitive: false`;
 * a file source (fromSops, fromFile) always is.
 */
function declaredSensitive(entry: EnvEntry): boolean {
  if (typeof entry === 'string') return false;
  if ('value' in entry) return entry.sensitive === true;
  return 'fromEnv' in entry ? entry.sensitive !== false : true;
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
  return (source) => resolveSource(source, options, secrets);
}

async function resolveSource(
  source: ValueSource,
  options: { cwd: string; env: Record<string, string | undefined> },
  secrets: SecretReader,
): Promise<string> {
  if ('fromEnv' in source) return variableOrThrow(source.fromEnv, options.env);
  if ('fromSops' in source || 'fromFile' in source) return secrets.read(source, resolve(options.cwd, source.file));
  const read = await readValidFile(resolve(options.cwd, source.file), source.file);
  if (!read.valid) throw new ValidationError(read.diagnostics);
  const { content } = read.valid;
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
  return (await readValidFile(absolute, display)).diagnostics;
}

/** One file through every check that needs no other file: encoding, YAML, schema, globs. */
async function readValidFile(absolute: string, display: string): Promise<{ valid?: ValidFile; diagnostics: Diagnostic[] }> {
  const { document, diagnostics } = await readDocument(absolute, display);
  if (!document) return { diagnostics };
  diagnostics.push(...schemaDiagnostics(document), ...globDiagnostics(document));
  return diagnostics.length > 0 ? { diagnostics } : { valid: { absolute, document, content: document.data as FileContent }, diagnostics };
}

/** Globs picomatch cannot compile, wherever an ignore list holds strings, even if the file breaks the schema elsewhere. */
function globDiagnostics(document: ParsedDocument): Diagnostic[] {
  const projects = valueAt(document.data, ['projects']);
  const lists: Path[] = [
    ['defaults', 'ignore'],
    ...Object.keys(isMap(projects) ? projects : {}).map((name) => ['projects', name, 'ignore']),
  ];
  return lists.flatMap((list) => {
    const globs = valueAt(document.data, list);
    return (Array.isArray(globs) ? globs : []).flatMap((glob: unknown, i) => {
      const problem = typeof glob === 'string' ? globProblem(glob) : undefined;
      const path = [...list, i];
      return problem
        ? [{ at: document.at(path), message: `${displayPath(path)}: ${JSON.stringify(glob)} is not a valid glob: ${problem}` }]
        : [];
    });
  });
}

function isMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function compile(glob: Declared<string>): Glob {
  return { ...glob, matches: globMatcher([glob.value]) };
}

/** Defaults of every file, for every project. Files may repeat a default but not contradict one. */
function mergeDefaults(files: ValidFile[], problems: Problems): Defaults {
  const merged: Defaults = { env: new Map(), ignore: [], checks: new Map() };
  for (const file of files) {
    const { env = {}, ignore = [] } = file.content.defaults ?? {};
    for (const [key, value] of Object.entries(env)) {
      const declared = { value, file, path: ['defaults', 'env', key] };
      const earlier = merged.env.get(key);
      if (!earlier) merged.env.set(key, declared);
      else if (!sameEntry(earlier, declared)) problems.add(contradiction(declared, earlier));
    }
    for (const setting of ['prune', 'protect', 'production'] as const) {
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
    for (const [id, value] of Object.entries(file.content.defaults?.checks ?? {}) as [RuleId, Setting][]) {
      const declared = { value, file, path: ['defaults', 'checks', id] };
      const earlier = merged.checks.get(id);
      if (!earlier) merged.checks.set(id, declared);
      else if (earlier.value !== value) problems.add(contradiction(declared, earlier));
    }
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

/** Whether two defaults say the same; a file source is the same only when both name it from the same directory. */
function sameEntry(a: Declared<EnvEntry>, b: Declared<EnvEntry>): boolean {
  const normal = ({ value: e, file }: Declared<EnvEntry>) =>
    typeof e === 'string'
      ? { value: e, sensitive: false }
      : 'value' in e
        ? { value: e.value, sensitive: e.sensitive ?? false }
        : 'fromEnv' in e
          ? { fromEnv: e.fromEnv, sensitive: e.sensitive ?? true }
          : { ...e, from: dirname(file.absolute) };
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
    return { ...project, env: new Map(), ignore: [], prune: false, protect, production: false, checks: {} };
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
  return {
    ...project,
    env,
    ignore: ignore.map((g) => g.value),
    prune: entry.prune ?? defaults.prune?.value ?? false,
    protect,
    production: entry.production ?? defaults.production?.value ?? false,
    checks: { ...Object.fromEntries([...defaults.checks].map(([id, d]) => [id, d.value])), ...entry.checks },
  };
}

/** Settings a project to destroy may not have. */
const NOT_WITH_DESTROY = ['create', 'prune', 'ignore', 'remove', 'env', 'production', 'checks'] as const;

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
    ...(tenantId !== undefined && { tenantId }),
    ...(create !== undefined && { create: { ...create } }),
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
    return { value, sensitive: declaredSensitive(entry), source: fromFile, at: at(declared) };
  }
  if (!('fromEnv' in entry)) return readFileSource(entry, declared, secrets, problems);
  const variable = readVariable(entry.fromEnv, variables);
  if ('problem' in variable) {
    const name = { ...declared, path: [...declared.path, 'fromEnv'] };
    problems.add({ at: at(name), message: `${displayPath(declared.path)}: ${variable.problem}` });
    return undefined;
  }
  return { value: variable.value, sensitive: declaredSensitive(entry), source: { fromEnv: entry.fromEnv }, at: at(declared) };
}

/** A fromSops/fromFile value; a source that cannot be read is a problem at the line naming it. Always sensitive. */
async function readFileSource(
  entry: FileSource,
  declared: Declared<EnvEntry>,
  secrets: SecretReader,
  problems: Problems,
): Promise<Omit<DesiredValue, 'keyAt'> | undefined> {
  const field = 'fromSops' in entry ? 'fromSops' : 'fromFile';
  try {
    const value = await secrets.read(entry, declared.file.absolute);
    const file = declared.file.document.file;
    const source: ValueSource = 'fromSops' in entry ? { fromSops: entry.fromSops, file } : { fromFile: entry.fromFile, file };
    return { value, sensitive: true, source, at: at(declared) };
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    problems.add({
      at: at({ ...declared, path: [...declared.path, field] }),
      message: `${displayPath(declared.path)}: ${field} ${err.message}`,
    });
    return undefined;
  }
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
