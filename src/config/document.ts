import { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument, type Document, type YAMLError } from 'yaml';
import { FileRefused, readSmallFile } from '../util/files.js';
import { displayPath, type Path } from './path.js';
import { lowerFirst } from '../util/words.js';
import type { Diagnostic, SourceLocation } from './types.js';

/** Files larger than this are refused before they are read: desired state is a few KiB (1000 projects × 50 keys: 2.7 MB). */
const MAX_FILE_BYTES = 5 * 1024 * 1024;
/** Nodes an input may produce through aliases (`*name`); more is an alias bomb, not desired state. */
const MAX_ALIAS_NODES = 100_000;

interface Place {
  value: number;
  key?: number;
  /** Where a plain scalar (`010`, `true`, `~`) ends, to quote its source back in messages; at `value` for an empty one. */
  plainEnd?: number;
}

/**
 * The places of a value and of everything inside it, by key or index (as a string, as in a JSON
 * Pointer). A tree rather than a map of pointers: a 1000-project file has some 100,000 values, and
 * building and hashing a pointer string for each took a tenth of the time to load it.
 */
interface PlaceTree {
  place: Place;
  children?: Map<string, PlaceTree>;
}

/** A YAML file turned into plain data, remembering where every value and key came from. */
export class ParsedDocument {
  constructor(
    readonly file: string,
    readonly data: unknown,
    private readonly places: PlaceTree,
    private readonly lines: LineCounter,
    private readonly text: string,
  ) {}

  /**
   * Where the value at `path` starts, or its key. An empty value (`PORT:`) is shown at its key,
   * which is where there is something to point at.
   */
  at(path: Path, part: 'value' | 'key' = 'value'): SourceLocation {
    const place = this.place(path);
    const empty = place.plainEnd === place.value;
    const offset = (part === 'key' || empty) && place.key !== undefined ? place.key : place.value;
    return { file: this.file, ...this.lines.linePos(offset) };
  }

  /** The source text of the plain scalar at `path`, if it is one. */
  plainSource(path: Path): string | undefined {
    const tree = this.tree(path);
    if (tree.depth < path.length || tree.place.plainEnd === undefined) return undefined;
    return this.text.slice(tree.place.value, tree.place.plainEnd);
  }

  /** The place of `path`, or of the closest enclosing value that has one. */
  private place(path: Path): Place {
    return this.tree(path).place;
  }

  private tree(path: Path): { place: Place; depth: number } {
    let tree = this.places;
    let depth = 0;
    for (const segment of path) {
      const child = tree.children?.get(String(segment));
      if (!child) break;
      tree = child;
      depth += 1;
    }
    return { place: tree.place, depth };
  }
}

interface ReadResult {
  /** Absent when the file could not be read as YAML at all. */
  document?: ParsedDocument;
  diagnostics: Diagnostic[];
}

/** Reads one file: size, encoding and YAML syntax are checked; the schema is not. */
export async function readDocument(absolute: string, file: string): Promise<ReadResult> {
  const fail = (message: string, line = 1, col = 1): ReadResult => ({ diagnostics: [{ at: { file, line, col }, message }] });
  let bytes: Buffer;
  try {
    bytes = readSmallFile(absolute, MAX_FILE_BYTES).bytes;
  } catch (err) {
    if (err instanceof FileRefused) return fail(err.reason);
    throw err;
  }

  const decoded = decode(bytes);
  if ('problem' in decoded) return fail(decoded.problem, decoded.line, decoded.col);
  const { text } = decoded;

  const lines = new LineCounter();
  // Duplicate keys are found by the walk below, which can say where the first one is.
  const doc = withPlainEnv(() => parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false }));
  const yamlProblems = [...doc.errors, ...doc.warnings];
  if (yamlProblems.length > 0) {
    return { diagnostics: yamlProblems.map((e) => ({ at: { file, ...lines.linePos(e.pos[0]) }, message: yamlMessage(e) })) };
  }
  if (doc.contents === null) {
    return fail('the file has no content; expected a map that starts with version: 1');
  }

  const walker = new Walker(doc, text, (offset) => ({ file, ...lines.linePos(offset) }));
  try {
    const data = walker.value(doc.contents, [], walker.places);
    return { document: new ParsedDocument(file, data, walker.places, lines, text), diagnostics: walker.diagnostics };
  } catch (err) {
    if (err instanceof AliasBomb) return { diagnostics: [...walker.diagnostics, err.diagnostic] };
    throw err;
  }
}

/**
 * Runs `fn` with process.env replaced by a plain copy of it. yaml's parser reads
 * process.env.LOG_TOKENS once per token, and each read of the real process.env is a getenv()
 * that scans the whole environment: with the fromEnv secrets of a thousand projects set, that
 * was a third of parsing their file. The copy answers the same; `fn` is synchronous, so nothing
 * else can see the swap.
 */
function withPlainEnv<T>(fn: () => T): T {
  const env = process.env;
  process.env = { ...env };
  try {
    return fn();
  } finally {
    process.env = env;
  }
}

type Decoded = { text: string } | { problem: string; line: number; col: number };

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * UTF-8 text, with a byte order mark accepted and dropped (editors on Windows write one; columns
 * are counted without it, as editors show them).
 */
function decode(bytes: Buffer): Decoded {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return { problem: 'the file is UTF-16 encoded; save it as UTF-8', line: 1, col: 1 };
  }
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    const offset = invalidUtf8Offset(body);
    const byte = body[offset]!.toString(16).toUpperCase().padStart(2, '0');
    return {
      problem: `byte 0x${byte} is not valid UTF-8; is this a binary file, or saved in another encoding (e.g. Latin-1)? Save it as UTF-8 text`,
      ...position(utf8.decode(body.subarray(0, offset))),
    };
  }
  const control = /[^\t\n\r\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u.exec(text);
  if (control) {
    const code = control[0].codePointAt(0)!;
    const what =
      code === 0
        ? 'a NUL byte; is this a binary file?'
        : `the control character U+${code.toString(16).toUpperCase().padStart(4, '0')}, which YAML does not allow`;
    return { problem: `the file contains ${what}`, ...position(text.slice(0, control.index)) };
  }
  return { text };
}

/** Line and column just after `before`, 1-based. */
function position(before: string): { line: number; col: number } {
  const lines = before.split('\n');
  return { line: lines.length, col: lines[lines.length - 1]!.length + 1 };
}

/** The offset of the first byte that does not start a valid UTF-8 sequence (the input is known to have one). */
function invalidUtf8Offset(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const length = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (length === 0) return i;
    if (length > 1) {
      try {
        utf8.decode(bytes.subarray(i, i + length));
      } catch {
        return i;
      }
    }
    i += length;
  }
  return i;
}

function yamlMessage(e: YAMLError): string {
  const text = e.code === 'MULTIPLE_DOCS' ? 'a second YAML document starts here (after ---)' : e.message;
  const hint = yamlHint(e);
  return `YAML${e.name === 'YAMLWarning' ? '' : ' syntax error'}: ${lowerFirst(text)}${hint ? ` — ${hint}` : ''}`;
}

/** What usually causes a YAML error, for those with one usual cause. */
function yamlHint(e: YAMLError): string | undefined {
  if (e.code === 'TAB_AS_INDENT') return 'indent with spaces';
  if (e.code === 'MULTIPLE_DOCS') return 'put each desired state in its own file';
  if (e.code === 'TAG_RESOLVE_FAILED') return 'hcr reads plain YAML; for a secret, write { fromEnv: VARIABLE }';
  if (/compact mappings/.test(e.message)) return 'quote a value that contains ": "';
  if (/single line/.test(e.message)) return 'is a quote left open?';
  if (/call stack/.test(e.message)) return 'the YAML is nested too deeply';
  return undefined;
}

class AliasBomb extends Error {
  constructor(readonly diagnostic: Diagnostic) {
    super(diagnostic.message);
  }
}

const SKIP = Symbol('skip');

/** Adds the tree of `segment` under `tree`; it has its parent's place until Walker.value records its own. */
function child(tree: PlaceTree, segment: string | number): PlaceTree {
  const node: PlaceTree = { place: tree.place };
  (tree.children ??= new Map()).set(String(segment), node);
  return node;
}

/** Turns YAML nodes into plain data, recording each value's place; every key must be a string. */
class Walker {
  readonly places: PlaceTree = { place: { value: 0 } };
  readonly diagnostics: Diagnostic[] = [];
  /** The outermost alias being expanded, and how many nodes aliases have produced so far. */
  private expanding?: { offset: number; path: Path };
  private aliasNodes = 0;

  constructor(
    private readonly doc: Document,
    private readonly text: string,
    private readonly locate: (offset: number) => SourceLocation,
  ) {}

  /** The plain data of `node`, at `path` (its key at offset `key`); places go into `tree`, the tree of `path`. */
  value(node: unknown, path: Path, tree: PlaceTree, key?: number): unknown {
    if (this.expanding && ++this.aliasNodes > MAX_ALIAS_NODES) {
      throw new AliasBomb({
        at: this.locate(this.expanding.offset),
        message: `${displayPath(this.expanding.path)}: by this alias, the aliases of the file have expanded to more than ${MAX_ALIAS_NODES} values; this looks like an alias bomb ("billion laughs"), not desired state`,
      });
    }
    if (isAlias(node)) {
      const place: Place = { value: node.range?.[0] ?? 0, key };
      const target = node.resolve(this.doc);
      if (!target) {
        this.report(place.value, `${displayPath(path)}: the alias *${node.source} refers to no anchor &${node.source} defined before it`);
        return SKIP;
      }
      const outermost = !this.expanding;
      if (outermost) this.expanding = { offset: place.value, path };
      try {
        return this.value(target, path, tree, key);
      } finally {
        if (outermost) this.expanding = undefined;
        tree.place = place;
      }
    }
    const range = (node as { range?: [number, number, number] } | null)?.range;
    const place: Place = { value: range?.[0] ?? key ?? 0, key };
    tree.place = place;
    if (isScalar(node)) {
      if (node.type === 'PLAIN' && range) place.plainEnd = range[1];
      return node.value;
    }
    if (isSeq(node)) {
      return node.items.flatMap((item, i) => {
        const v = this.value(item, [...path, i], child(tree, i));
        return v === SKIP ? [] : [v];
      });
    }
    if (isMap(node)) {
      const map: Record<string, unknown> = Object.create(null);
      const seen = new Map<string, number>();
      for (const pair of node.items) {
        const keyOffset = (pair.key as { range?: [number, number, number] } | null)?.range?.[0] ?? place.value;
        const name = this.keyName(pair.key, path, keyOffset);
        if (name === undefined) continue;
        const first = seen.get(name);
        if (first !== undefined) {
          const { line, col } = this.locate(first);
          this.report(
            keyOffset,
            `${displayPath([...path, name])}: duplicate key (first at line ${line}, col ${col}); a key may appear once in a map`,
          );
          continue;
        }
        seen.set(name, keyOffset);
        const v =
          pair.value === null
            ? this.empty(child(tree, name), keyOffset)
            : this.value(pair.value, [...path, name], child(tree, name), keyOffset);
        if (v !== SKIP) map[name] = v;
      }
      return map;
    }
    return null;
  }

  private empty(tree: PlaceTree, key: number): null {
    tree.place = { value: key, key, plainEnd: key };
    return null;
  }

  private keyName(key: unknown, path: Path, offset: number): string | undefined {
    if (isScalar(key) && key.value === '<<' && key.type === 'PLAIN') {
      this.report(offset, `${displayPath(path)}: YAML merge keys (<<) are not supported; put settings shared by projects under defaults`);
      return undefined;
    }
    if (isScalar(key) && typeof key.value === 'string') return key.value;
    const source = isScalar(key) && key.range ? this.text.slice(key.range[0], key.range[1]) : '';
    if (isScalar(key) && source === '') {
      this.report(offset, `${displayPath(path)}: an entry has no key; every entry of a map needs a string key`);
    } else if (isScalar(key)) {
      const kind = key.value === null ? 'null' : `the ${typeof key.value} ${source}`;
      this.report(offset, `${displayPath([...path, source])}: the key is ${kind}, not a string — quote it: ${JSON.stringify(source)}`);
    } else {
      this.report(
        offset,
        `${displayPath(path)}: a ${isSeq(key) ? 'list' : isMap(key) ? 'map' : 'non-string value'} is used as a key; keys must be plain strings`,
      );
    }
    return undefined;
  }

  private report(offset: number, message: string): void {
    this.diagnostics.push({ at: this.locate(offset), message });
  }
}
