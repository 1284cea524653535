import { Alias, isMap, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import { UserError } from '../../errors.js';

/**
 * A SOPS file as sops' stores read it (getsops/sops stores/{yaml,json,dotenv}): an ordered tree of
 * maps, lists and scalars, and the metadata (`sops:` or the dotenv `sops_*` keys) as plain data.
 * Order matters: the MAC hashes the values in document order, so maps keep their keys as written
 * (a JS object would move integer-like keys first). Comments are not kept: sops leaves them out of
 * the MAC, and nothing can point at one.
 */

/** A scalar as sops' stores decode it: an integer is a bigint, any other number a float. */
export type SopsScalar = string | boolean | null | bigint | number;
export type SopsNode = SopsMap | SopsNode[] | SopsScalar;

export class SopsMap {
  constructor(readonly entries: [string, SopsNode][]) {}

  get(key: string): SopsNode | undefined {
    return this.entries.find(([k]) => k === key)?.[1];
  }
}

export type SopsFormat = 'yaml' | 'json' | 'dotenv';

export interface SopsDocument {
  format: SopsFormat;
  /** The document without its metadata. */
  tree: SopsMap;
  /** The metadata as plain data (maps as objects), or undefined when the file has none. */
  metadata: unknown;
}

/** The format sops infers from the file name (it reads other names as binary, which hcr does not). */
export function formatOf(name: string): SopsFormat | undefined {
  if (/\.ya?ml$/i.test(name)) return 'yaml';
  if (/\.json$/i.test(name)) return 'json';
  if (/\.env$/i.test(name)) return 'dotenv';
  return undefined;
}

/** Nodes an alias may expand to before a file is taken for an alias bomb rather than secrets. */
const MAX_NODES = 100_000;

export function parseSopsFile(text: string, format: SopsFormat, written: string): SopsDocument {
  const problem = (why: string): never => {
    throw new UserError(`${JSON.stringify(written)} ${why}`);
  };
  if (format === 'dotenv') return parseDotenv(text, problem);
  if (format === 'json') {
    try {
      JSON.parse(text);
    } catch (err) {
      // The parser's message quotes the text around the fault; only its position is kept.
      const at = /position (\d+)/.exec((err as Error).message);
      const where = at ? ` at ${lineCol(text, Number(at[1]))}` : '';
      return problem(`is not valid JSON${where}`);
    }
  }
  // JSON is read by the YAML parser too (after JSON.parse accepted it), for its key order.
  const doc = parseDocument(text.replace(/^\uFEFF/, ''), {
    schema: format === 'json' ? 'json' : 'core',
    intAsBigInt: true,
    uniqueKeys: true,
    prettyErrors: false,
  });
  const error = doc.errors[0];
  if (error) {
    const [line, col] = error.linePos?.[0] ? [error.linePos[0].line, error.linePos[0].col] : [0, 0];
    return problem(`is not valid ${format === 'json' ? 'JSON' : 'YAML'} at line ${line}, col ${col} (${error.code})`);
  }
  let budget = MAX_NODES;
  const convert = (node: unknown, path: string): SopsNode => {
    if (--budget < 0) problem('expands to too many values through YAML aliases');
    if (node instanceof Alias) return convert(node.resolve(doc as Document), path);
    if (isMap(node)) {
      return new SopsMap(
        node.items.map((pair) => {
          const key = isScalar(pair.key) ? pair.key.value : pair.key;
          if (typeof key !== 'string')
            problem(`has a key that is not a string under ${path || 'the top level'}; sops supports string keys only`);
          return [key as string, convert(pair.value, `${path}/${key as string}`)];
        }),
      );
    }
    if (isSeq(node)) return node.items.map((item, i) => convert(item, `${path}/${i}`));
    if (isScalar(node)) return scalar(node.value, path, problem);
    if (node === null || node === undefined) return null;
    return problem(`has an unsupported YAML node at ${path}`);
  };
  const root = convert(doc.contents as Node | null, '');
  if (root === null) return problem('is empty');
  if (!(root instanceof SopsMap)) return problem('is not a map at the top level; sops files are maps');
  const entries = root.entries.filter(([key]) => key !== 'sops');
  const metadata = root.get('sops');
  return { format, tree: new SopsMap(entries), metadata: metadata === undefined ? undefined : plain(metadata) };
}

function scalar(value: unknown, path: string, problem: (why: string) => never): SopsScalar {
  if (value === null || typeof value === 'string' || typeof value === 'boolean' || typeof value === 'bigint' || typeof value === 'number') {
    return value;
  }
  return problem(`has a value of an unsupported type at ${path}`);
}

/** A metadata tree as plain data: maps as null-prototype objects, numbers as numbers. */
function plain(node: SopsNode): unknown {
  if (node instanceof SopsMap) {
    const out: Record<string, unknown> = Object.create(null);
    for (const [k, v] of node.entries) out[k] = plain(v);
    return out;
  }
  if (Array.isArray(node)) return node.map(plain);
  return typeof node === 'bigint' ? Number(node) : node;
}

function lineCol(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `line ${before.length}, col ${before.at(-1)!.length + 1}`;
}

const SOPS_PREFIX = 'sops_';

/**
 * sops' dotenv store: lines split at "\n" (empty ones skipped), `#` comments, KEY=VALUE split at
 * the first "=", `\n` in a value standing for a newline; the metadata is flattened into `sops_*`
 * keys (`sops_age__list_0__map_enc`).
 */
function parseDotenv(text: string, problem: (why: string) => never): SopsDocument {
  const entries: [string, SopsNode][] = [];
  const flat: [string, string][] = [];
  text.split('\n').forEach((line, i) => {
    if (line === '' || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    if (eq < 0) problem(`line ${i + 1} is not KEY=VALUE`);
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1).replaceAll('\\n', '\n');
    if (key.startsWith(SOPS_PREFIX)) flat.push([key.slice(SOPS_PREFIX.length), value]);
    else entries.push([key, value]);
  });
  return { format: 'dotenv', tree: new SopsMap(entries), metadata: flat.length > 0 ? unflatten(flat, problem) : undefined };
}

/** sops' stores/flatten.go in reverse: `a__map_b__list_0` is a.b[0]. */
function unflatten(flat: [string, string][], problem: (why: string) => never): unknown {
  const root: Record<string, unknown> = Object.create(null);
  for (const [key, value] of flat) {
    const tokens = key.split(/(?=__map_|__list_)/);
    let node: Record<string, unknown> | unknown[] = root;
    tokens.forEach((token, i) => {
      const last = i === tokens.length - 1;
      const index = token.startsWith('__list_') ? token.slice('__list_'.length) : undefined;
      if (index !== undefined && !/^(0|[1-9][0-9]*)$/.test(index))
        problem(`has the metadata key sops_${key}, whose list index is not a number`);
      const step: string | number = index !== undefined ? Number(index) : token.startsWith('__map_') ? token.slice('__map_'.length) : token;
      const next = tokens[i + 1];
      const container = (node as Record<string | number, unknown>)[step as never];
      if (last) {
        if (container !== undefined) problem(`has the metadata key sops_${key} twice`);
        (node as Record<string | number, unknown>)[step as never] = value;
        return;
      }
      const wanted = next!.startsWith('__list_') ? [] : Object.create(null);
      if (container === undefined) (node as Record<string | number, unknown>)[step as never] = wanted;
      const child = (node as Record<string | number, unknown>)[step as never];
      if (typeof child !== 'object' || child === null || Array.isArray(child) !== Array.isArray(wanted)) {
        problem(`has the metadata key sops_${key}, which contradicts another`);
      }
      node = child as Record<string, unknown> | unknown[];
    });
  }
  return root;
}
