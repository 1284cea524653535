import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Document, LineCounter, Scalar, isMap, isScalar, parseDocument, type YAMLMap } from 'yaml';
import { fileProblems } from './load.js';
import { nameProblem, shortName, valueProblem } from './names.js';
import type { Diagnostic } from './types.js';
import { SCHEMA_FILE } from './schema.js';

/** One live project as it is imported. */
export interface ImportedProject {
  name: string;
  tenantId: string;
  env: Record<string, string>;
}

/** A sensitive value left out of the file: the variable the user must set to it. */
export interface ImportedVariable {
  variable: string;
  project: string;
  key: string;
}

/** A live key the file does not declare, or (without `key`) a whole project it leaves out, and why. */
export interface Skipped {
  project: string;
  key?: string;
  reason: string;
}

export interface ImportedFile {
  text: string;
  variables: ImportedVariable[];
  skipped: Skipped[];
}

export interface ImportOptions {
  /** The `$schema` reference for editors, relative to the file's directory. */
  schema: string;
  /** Whether a value must stay out of the file (written as fromEnv). */
  sensitive(key: string, value: string): boolean;
  /** Why a project (without `key`) or one of its keys must be left out, if it must. */
  excluded?(project: string, key?: string): string | undefined;
}

/** This package's schema. */
const SCHEMA_PATH = fileURLToPath(SCHEMA_FILE);

/** The schema's path as a `$schema` reference from files in `dir`: relative, with `/`. */
export function schemaReference(dir: string): string {
  return relative(dir, SCHEMA_PATH).split(sep).join('/');
}

const HEADER = [
  'Imported from Hasura Cloud by `hcr import`: every key each project had when it was read.',
  'Values that look secret are not in this file: each is read from the environment variable its',
  'fromEnv names (hcr import listed them; set them to the live values).',
  'tenantId pins each project to the tenant it was imported from: if the project is renamed, or',
  'deleted and its name reused, hcr stops with an error instead of managing another project.',
  'prune is not set: hcr sets the keys below and deletes nothing; keys added later in the console',
  'are left alone (set prune: true to have hcr delete them).',
];

/** Control, format and separator characters other than a newline: a value with one is written in double quotes. */
const INVISIBLE = /[^\P{C}\n]|[\p{Zl}\p{Zp}]|[^\P{Zs} ]/u;
/**
 * The invisible characters JSON.stringify, on which the yaml library's double quotes are built,
 * leaves as they are (it escapes only C0 controls and lone surrogates). Raw, the loader refuses
 * some (DEL, C1 controls) and a terminal or an editor hides or obeys the others (bidi overrides,
 * zero-width and line separators); they are escaped after the fact. Only double-quoted values can
 * hold them: keys and names are plain ASCII, and comments escape them first.
 */
const LEFT_RAW = /[^\P{C}\x00-\x1F]|[\p{Zl}\p{Zp}]|[^\P{Zs} ]/gu;

/**
 * The desired state (version 1) that equals `projects` as they are live: every key, sorted, each
 * value written so that the loader reads back exactly the same string, with every invisible
 * character escaped. Values `options.sensitive` picks are written as `{ fromEnv: VARIABLE }` with
 * a generated, unique variable name, and their value appears nowhere in the result. Keys a file
 * cannot declare, and projects whose name it cannot hold, are skipped and listed.
 */
export function desiredYaml(projects: readonly ImportedProject[], options: ImportOptions): ImportedFile {
  const doc = new Document({ version: 1 });
  doc.commentBefore = [` yaml-language-server: $schema=${options.schema}`, ...HEADER.map((line) => ` ${line}`)].join('\n');
  const variables: ImportedVariable[] = [];
  const skipped: Skipped[] = [];
  const taken = new Set<string>();
  const projectsNode = doc.createNode({}) as YAMLMap;

  for (const project of [...projects].sort((a, b) => compare(a.name, b.name))) {
    const projectProblem = nameProblem('projectName', project.name) ?? options.excluded?.(project.name);
    if (projectProblem) {
      skipped.push({ project: project.name, reason: projectProblem });
      continue;
    }
    const env = doc.createNode({}) as YAMLMap;
    const notImported: string[] = [];
    for (const key of Object.keys(project.env).sort(compare)) {
      const value = project.env[key]!;
      // A value hcr refuses (a control character, a size past the limit) can be managed in no form, not even fromEnv.
      const problem = nameProblem('envKey', key) ?? valueProblem(value) ?? options.excluded?.(project.name, key);
      if (problem) {
        skipped.push({ project: project.name, key, reason: problem });
        notImported.push(key);
      } else if (value !== '' && options.sensitive(key, value)) {
        // An empty value is no secret, and fromEnv refuses an empty variable: it stays a plain "".
        const variable = uniqueVariable(project.name, key, taken);
        variables.push({ variable, project: project.name, key });
        const ref = doc.createNode({ fromEnv: variable }) as YAMLMap;
        ref.flow = true;
        env.set(key, ref);
      } else {
        env.set(key, valueNode(value));
      }
    }
    const envKey = new Scalar('env');
    if (notImported.length > 0) {
      const keys = notImported.map((key) => JSON.stringify(shortName(key))).join(', ');
      envKey.commentBefore = ` Not imported (left alone): ${keys}`;
    }
    const projectNode = doc.createNode({ tenantId: project.tenantId }) as YAMLMap;
    projectNode.add(doc.createPair(envKey, env));
    projectsNode.set(project.name, projectNode);
  }
  doc.set('projects', projectsNode);
  return { text: escapeLeftRaw(doc.toString({ lineWidth: 0 })), variables, skipped };
}

function escapeLeftRaw(text: string): string {
  return text.replace(LEFT_RAW, (c) => {
    const code = c.codePointAt(0)!;
    return code > 0xffff ? `\\U${code.toString(16).padStart(8, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/**
 * For a file desiredYaml wrote (parsed once): which project, and which of its keys, holds `line`
 * (1-based), where a check of the file found a problem, so that the entry can be left out.
 */
function entryLocator(text: string): (line: number) => { project: string; key?: string } | undefined {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  return (line) => {
    const spans = (node: unknown): { key: string; value: unknown }[] =>
      isMap(node)
        ? node.items.flatMap((pair) => {
            const key = isScalar(pair.key) ? String(pair.key.value) : '';
            const start = (pair.key as Scalar | null)?.range?.[0];
            const end = (pair.value as Scalar | null)?.range?.[2] ?? (pair.value as Scalar | null)?.range?.[1];
            if (start === undefined || end === undefined) return [];
            return lines.linePos(start).line <= line && line <= lines.linePos(Math.max(start, end - 1)).line
              ? [{ key, value: pair.value }]
              : [];
          })
        : [];
    const [project] = spans(doc.get('projects', true));
    if (!project) return undefined;
    const [key] = spans(isMap(project.value) ? project.value.get('env', true) : undefined);
    return { project: project.key, ...(key && { key: key.key }) };
  };
}

/**
 * desiredYaml's file, checked as `hcr validate` checks a file (as `display`). A project or key the
 * check finds a problem in (a value longer than a file may hold, say) is left out and listed with
 * the problem, so that import never writes a file hcr then rejects; `problems` are those that no
 * entry can be left out for (the file as a whole is too large), and then the file must not be
 * written. The check reads a private temporary copy, which holds no secret: they are fromEnv.
 */
export async function checkedDesiredYaml(
  projects: readonly ImportedProject[],
  options: ImportOptions,
  display: string,
): Promise<ImportedFile & { problems: Diagnostic[] }> {
  const refused = new Map<string, string>();
  const id = (project: string, key?: string) => JSON.stringify([project, key ?? null]);
  const dir = await mkdtemp(join(tmpdir(), 'hcr-import-'));
  try {
    for (;;) {
      const file = desiredYaml(projects, {
        ...options,
        excluded: (project, key) => options.excluded?.(project, key) ?? refused.get(id(project, key)),
      });
      const path = join(dir, 'imported.yaml');
      await writeFile(path, file.text, { mode: 0o600 });
      const problems = await fileProblems(path, display);
      const before = refused.size;
      const entryAt = problems.length > 0 ? entryLocator(file.text) : undefined;
      for (const problem of problems) {
        const entry = problem.at && entryAt?.(problem.at.line);
        if (entry) refused.set(id(entry.project, entry.key), problem.message);
      }
      if (refused.size === before) return { ...file, problems };
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * A value as a YAML node. The yaml library already quotes what YAML 1.2 (which the loader reads)
 * would take for another type (`"true"`, `"010"`, `"1.10"`, `""`); values are also quoted where a
 * YAML 1.1 reader (other tools, older editors) would (`yes`, `1_000`, `12:30`), and where a plain
 * or block scalar would hide something (spaces at the ends, invisible characters, trailing blanks
 * in a line that editors strip). Multi-line values are block literals where that is safe.
 */
function valueNode(value: string): Scalar<string> {
  const node = new Scalar(value);
  if (INVISIBLE.test(value)) {
    node.type = Scalar.QUOTE_DOUBLE;
  } else if (value.includes('\n')) {
    // Editors strip spaces at the ends of lines and blank lines at the end of a file; both would change the value.
    const literalIsSafe = !/ \n| $/.test(value) && !value.endsWith('\n\n') && value.trim() !== '';
    node.type = literalIsSafe ? Scalar.BLOCK_LITERAL : Scalar.QUOTE_DOUBLE;
  } else if (!readsBackAsItself(value)) {
    node.type = Scalar.QUOTE_DOUBLE;
  }
  return node;
}

/** Whether `value`, written bare, is read back as the same string by a YAML 1.1 reader. */
function readsBackAsItself(value: string): boolean {
  // Silent: a value that is not valid bare YAML is an answer here, not a warning for the user.
  const doc = parseDocument(value, { version: '1.1', logLevel: 'silent' });
  return doc.errors.length === 0 && doc.warnings.length === 0 && isScalar(doc.contents) && doc.contents.value === value;
}

/**
 * `shop-prod` + `HASURA_GRAPHQL_ADMIN_SECRET` → `SHOP_PROD_HASURA_GRAPHQL_ADMIN_SECRET`, with `_2`,
 * `_3`... when another project and key already made the same name (`a-b`+`C` and `a`+`B_C`, or keys
 * differing only in case). Project names start with a letter and keys are valid, so it is a valid name.
 */
function uniqueVariable(project: string, key: string, taken: Set<string>): string {
  const base = `${project}_${key}`.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base}_${n}`;
  taken.add(name);
  return name;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
