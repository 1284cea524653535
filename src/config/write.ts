import { randomBytes } from 'node:crypto';
import { link, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Document, Scalar, isScalar, parseDocument, type YAMLMap } from 'yaml';
import { packageFile } from '../paths.js';
import { nameProblem } from './names.js';

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

/** A live key the file does not declare, and why. */
export interface SkippedKey {
  project: string;
  key: string;
  reason: string;
}

export interface ImportedFile {
  text: string;
  variables: ImportedVariable[];
  skipped: SkippedKey[];
}

export interface ImportOptions {
  /** The `$schema` reference for editors, relative to the file's directory. */
  schema: string;
  /** Whether a value must stay out of the file (written as fromEnv). */
  sensitive(key: string, value: string): boolean;
}

/** This package's schema. */
const SCHEMA_FILE = fileURLToPath(packageFile('schema/hcr.schema.json'));

/** The schema's path as a `$schema` reference from files in `dir`: relative, with `/`. */
export function schemaReference(dir: string): string {
  return relative(dir, SCHEMA_FILE).split(sep).join('/');
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

/**
 * JSON.stringify, which the yaml library's double quotes are built on, leaves these characters
 * as they are, and the loader refuses them raw in a file; a value holding one cannot be written.
 */
const UNWRITABLE = /[\x7F-\x84\x86-\x9F\uFFFE\uFFFF]/;
/** Control, format and separator characters other than a newline: shown escaped, in double quotes, so nothing is invisible. */
const INVISIBLE = /[^\P{C}\n]|[\p{Zl}\p{Zp}]|[^\P{Zs} ]/u;

/**
 * The desired state (version 1) that equals `projects` as they are live: every key, sorted, each
 * value written so that the loader reads back exactly the same string. Values `options.sensitive`
 * picks are written as `{ fromEnv: VARIABLE }` with a generated, unique variable name, and their
 * value appears nowhere in the result. Keys a file cannot declare are skipped and listed.
 */
export function desiredYaml(projects: readonly ImportedProject[], options: ImportOptions): ImportedFile {
  const doc = new Document({ version: 1 });
  doc.commentBefore = [` yaml-language-server: $schema=${options.schema}`, ...HEADER.map((line) => ` ${line}`)].join('\n');
  const variables: ImportedVariable[] = [];
  const skipped: SkippedKey[] = [];
  const taken = new Set<string>();
  const projectsNode = doc.createNode({}) as YAMLMap;

  for (const project of [...projects].sort((a, b) => compare(a.name, b.name))) {
    const env = doc.createNode({}) as YAMLMap;
    const notImported: string[] = [];
    for (const key of Object.keys(project.env).sort(compare)) {
      const value = project.env[key]!;
      const skip = (reason: string) => {
        skipped.push({ project: project.name, key, reason });
        notImported.push(key);
      };
      const badName = nameProblem('envKey', key);
      if (badName) {
        skip(badName);
      } else if (value !== '' && options.sensitive(key, value)) {
        // An empty value is no secret, and fromEnv refuses an empty variable: it stays a plain "".
        const variable = uniqueVariable(project.name, key, taken);
        variables.push({ variable, project: project.name, key });
        const ref = doc.createNode({ fromEnv: variable }) as YAMLMap;
        ref.flow = true;
        env.set(key, ref);
      } else if (UNWRITABLE.test(value)) {
        skip('its value holds a control character a desired-state file cannot hold (--sensitive-keys can read it from the environment)');
      } else {
        env.set(key, valueNode(value));
      }
    }
    const envKey = new Scalar('env');
    if (notImported.length > 0)
      envKey.commentBefore = ` Not imported (a desired-state file cannot hold them; left alone): ${notImported.join(', ')}`;
    const projectNode = doc.createNode({ tenantId: project.tenantId }) as YAMLMap;
    projectNode.add(doc.createPair(envKey, env));
    projectsNode.set(project.name, projectNode);
  }
  doc.set('projects', projectsNode);
  return { text: doc.toString({ lineWidth: 0 }), variables, skipped };
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

/**
 * Writes `text` to `file` whole or not at all: to a temporary file beside it, synced, then moved
 * into place. Without `overwrite`, the move is a hard link, which fails with EEXIST if `file`
 * exists, even one created a moment ago by someone else.
 */
export async function writeFileAtomically(file: string, text: string, options: { overwrite: boolean }): Promise<void> {
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', 0o644);
  try {
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (options.overwrite) await rename(temp, file);
    else await link(temp, file);
  } finally {
    await rm(temp, { force: true });
  }
}
