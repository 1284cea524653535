import { dirname } from 'node:path';
import type { RuleId, Setting } from '../hasura/rules.js';
import type { FileSource } from '../secrets/index.js';
import { ValidationError, byPlace, formatLocation } from './diagnostics.js';
import { readDocument, type ParsedDocument } from './document.js';
import { checkSchema } from './explain.js';
import { DEFAULT_FILE, findFiles } from './files.js';
import { globMatcher, globProblem } from './glob.js';
import { displayPath, valueAt, type Path } from './path.js';
import type { Diagnostic, SourceLocation } from './types.js';
import { usableContent } from './usable.js';
import { isRecord } from '../util/records.js';
import { plural } from '../util/words.js';

/** A desired-state file as the schema guarantees it to be. */
export type EnvEntry = string | { value: string; sensitive?: boolean } | { fromEnv: string; sensitive?: boolean } | FileSource;
type Checks = Partial<Record<RuleId, Setting>>;
/** `create:` as the file writes it. */
export interface CreateEntry {
  cloud: string;
  region: string;
  plan?: string;
}
interface ProjectEntry {
  tenantId?: string;
  create?: CreateEntry;
  prune?: boolean;
  ignore?: string[];
  remove?: string[];
  env?: Record<string, EnvEntry>;
  destroy?: boolean;
  protect?: boolean;
  production?: boolean;
  checks?: Checks;
}
export interface FileContent {
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

/** A file read as YAML; `content` is what of it holds to the schema (all of it, when it is valid). */
export interface ValidFile {
  /** Where file sources (fromSops, fromFile) are resolved from: the file's own directory. */
  absolute: string;
  document: ParsedDocument;
  content: FileContent;
}

/** Something declared in a file, with its place. */
export interface Declared<T> {
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
export interface MergedProject extends ProjectDeclaration {
  env: Map<string, Declared<EnvEntry>>;
  ignore: string[];
  prune: boolean;
  protect: boolean;
  /** Where the protection that applies (the project's own `protect`, or the default) is set to true. */
  protectedAt?: SourceLocation;
  production: boolean;
  checks: Checks;
}

export interface DeclaredState {
  /** The files read, as messages name them. */
  files: string[];
  /** Every project of every file, each once, defaults merged in, sorted by name; values not resolved. */
  projects: MergedProject[];
  problems: Problems;
  /**
   * Whether every file was read without a problem. With a file broken, a project may be missing
   * from what was read (a name hcr could not read as one, a misspelt `projects:`).
   */
  everyFileValid: boolean;
  /** The keys some entry of some file declares sensitive, wherever it is and whether or not its project is selected. */
  sensitiveKeys: Set<string>;
}

/**
 * Reads and merges the desired state in `paths` (files, or directories of *.yaml and *.yml;
 * hasura-cloud.yaml when empty), collecting every problem in every file. A file that breaks the
 * schema still takes part, with what is valid of it (see readFile), so that the checks across
 * files and projects report their problems in the same run.
 */
export async function readDeclared(paths: string[], cwd: string): Promise<DeclaredState> {
  const found = await findFiles(paths.length > 0 ? paths : [DEFAULT_FILE], cwd);
  const problems = new Problems(found.diagnostics);
  const files: ValidFile[] = [];
  for (const input of found.files) {
    const read = await readFile(input.absolute, input.display);
    problems.add(...read.diagnostics);
    if (read.file) files.push(read.file);
  }
  const everyFileValid = problems.none();
  const defaults = mergeDefaults(files, problems);
  const projects = declaredProjects(files, problems).map((p) => mergeProject(p, defaults, problems));
  return { files: found.files.map((f) => f.display), projects, problems, everyFileValid, sensitiveKeys: sensitiveKeys(files) };
}

/**
 * One file through every check that needs no other file (encoding, YAML, schema, globs), and what
 * of it the checks across files and projects can use: all of it when it is valid, else the part
 * that is (usableContent), so that they report their problems in the same run. Without `file`,
 * the file could not be read as YAML at all.
 */
export async function readFile(absolute: string, display: string): Promise<{ file?: ValidFile; diagnostics: Diagnostic[] }> {
  const { document, diagnostics } = await readDocument(absolute, display);
  if (!document) return { diagnostics };
  const schema = checkSchema(document);
  const globs = globCheck(document, schema.broken.values);
  diagnostics.push(...schema.diagnostics, ...globs.diagnostics);
  const valid = schema.diagnostics.length + globs.diagnostics.length === 0;
  const broken = { values: [...schema.broken.values, ...globs.invalid], names: schema.broken.names };
  const content = (valid ? document.data : usableContent(document.data, broken)) as FileContent;
  return { file: { absolute, document, content }, diagnostics };
}

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
export function declaredSensitive(entry: EnvEntry): boolean {
  if (typeof entry === 'string') return false;
  if ('value' in entry) return entry.sensitive === true;
  return 'fromEnv' in entry ? entry.sensitive !== false : true;
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
    ...Object.keys(isRecord(projects) ? projects : {}).map((name) => ['projects', name, 'ignore']),
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
  const normal = ({ value: e, file }: Declared<EnvEntry>) => {
    if (typeof e !== 'string' && !('value' in e) && !('fromEnv' in e)) return { ...e, from: dirname(file.absolute) };
    const source = typeof e === 'string' ? { value: e } : 'value' in e ? { value: e.value } : { fromEnv: e.fromEnv };
    return { ...source, sensitive: declaredSensitive(e) };
  };
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
  const protection = entry.protect === undefined ? defaults.protect : { value: entry.protect, file, path: [...path, 'protect'] };
  const protect = protection?.value ?? false;
  const guarded = { protect, ...(protect && protection ? { protectedAt: at(protection) } : {}) };
  if (entry.destroy) {
    checkDestroy(project, problems);
    return { ...project, env: new Map(), ignore: [], prune: false, ...guarded, production: false, checks: {} };
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
    ...guarded,
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

export function at(declared: Declared<unknown>, part: 'value' | 'key' = 'value') {
  return declared.file.document.at(declared.path, part);
}

/** Problems of one run, each reported once. */
export class Problems {
  private readonly found = new Map<string, Diagnostic>();
  private readonly shared = new Map<string, { diagnostic: Diagnostic; what: string }[]>();

  constructor(initial: Diagnostic[]) {
    this.add(...initial);
  }

  add(...diagnostics: Diagnostic[]): void {
    for (const d of diagnostics) this.found.set(JSON.stringify([d.at, d.message]), d);
  }

  /**
   * A problem that every value naming one thing shares (a file source that cannot be read): it is
   * reported once, at the first of them, naming the others (`what`: each one's path), so that a
   * missing key does not print the same paragraph for each of a hundred values.
   */
  addShared(group: string, diagnostic: Diagnostic, what: string): void {
    const sites = this.shared.get(group) ?? [];
    sites.push({ diagnostic, what });
    this.shared.set(group, sites);
  }

  none(): boolean {
    return this.found.size === 0 && this.shared.size === 0;
  }

  throwIfAny(): void {
    if (!this.none()) throw new ValidationError([...this.found.values(), ...[...this.shared.values()].map(once)]);
  }
}

const NAMED_AT_MOST = 3;

function once(sites: { diagnostic: Diagnostic; what: string }[]): Diagnostic {
  const [first, ...others] = [...sites].sort((a, b) => byPlace(a.diagnostic, b.diagnostic));
  if (others.length === 0) return first!.diagnostic;
  const named = others.slice(0, NAMED_AT_MOST).map((site) => site.what);
  const more = others.length > NAMED_AT_MOST ? ` and ${others.length - NAMED_AT_MOST} more` : '';
  return {
    ...first!.diagnostic,
    message: `${first!.diagnostic.message} (the same for ${plural(others.length, 'more value')}: ${named.join(', ')}${more})`,
  };
}
