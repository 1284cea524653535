import { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument, type Document, type YAMLError } from 'yaml';
import { displayPath, type Path } from './path.js';
import { child, type Place, type PlaceTree } from './places.js';
import { lowerFirst } from '../util/words.js';
import type { Diagnostic, SourceLocation } from './types.js';

/** Nodes an input may produce through aliases (`*name`); more is an alias bomb, not desired state. */
const MAX_ALIAS_NODES = 100_000;

/** A text read by the `yaml` package: its data and places, with the problems of its keys; or only problems when it is not YAML. */
export type YamlRead = { data: unknown; places: PlaceTree; lines: LineCounter; problems: Diagnostic[] } | { diagnostics: Diagnostic[] };

/**
 * Reads any YAML with the `yaml` package: what the fast reader (plain-yaml.ts) leaves, and every
 * file with an error, which is placed and worded here.
 */
export function parseYaml(text: string, file: string): YamlRead {
  const lines = new LineCounter();
  // Duplicate keys are found by the walk below, which can say where the first one is.
  const doc = withPlainEnv(() => parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false }));
  const yamlProblems = [...doc.errors, ...doc.warnings];
  if (yamlProblems.length > 0) {
    return { diagnostics: yamlProblems.map((e) => ({ at: { file, ...lines.linePos(e.pos[0]) }, message: yamlMessage(e) })) };
  }
  if (doc.contents === null) {
    return {
      diagnostics: [{ at: { file, line: 1, col: 1 }, message: 'the file has no content; expected a map that starts with version: 1' }],
    };
  }

  const walker = new Walker(doc, text, (offset) => ({ file, ...lines.linePos(offset) }));
  try {
    const data = walker.value(doc.contents, [], walker.places);
    return { data, places: walker.places, lines, problems: walker.diagnostics };
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
