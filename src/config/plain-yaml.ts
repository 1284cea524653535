import { child, LineStarts, type Place, type PlaceTree } from './places.js';

/**
 * A fast reader for the YAML that desired-state files are written in, which the `yaml` package
 * reads some twenty times slower (its document model took 1.1 s for a 2.7 MB file). It reads
 * block maps and lists, one-line scalars (plain, single- and double-quoted), one-line flow maps
 * and lists of scalars, and comments; it gives the same data and the same places as the `yaml`
 * package would, or nothing, and the file is then read by the `yaml` package.
 *
 * It gives nothing for anything else: anchors, aliases, tags, merge keys, block and multi-line
 * scalars, directives and document markers, tabs and carriage returns, empty values, duplicate
 * keys, keys that are not plain words or quoted strings, and every plain scalar that YAML 1.2's
 * core schema reads as other than a string (`010`, `~`, `.inf`), but for booleans and decimal
 * integers such as `version: 1`. Errors are thus always reported by the `yaml` package, where they are
 * placed and worded as before. test/config/plain-yaml.test.ts holds the two readers to the same
 * answers on every example, every bad input and generated documents of every style.
 */
export interface PlainDocument {
  data: unknown;
  places: PlaceTree;
  lines: LineStarts;
}

/** Thrown inside the reader at the first thing it does not read; never leaves it. */
class Unread extends Error {}

/** Characters that make the `yaml` package read a text differently from a line-by-line reader. */
const UNREAD_CHARACTERS = /[\t\r\uFEFF\x85\u2028\u2029]/;
/** A key written as a plain scalar, from where it starts (sticky): a word, which the core schema may read as a number or boolean. */
const PLAIN_KEY = /[A-Za-z0-9_][A-Za-z0-9_.\-/]*/y;
/** Characters that may not start a plain scalar (YAML's indicators). */
const INDICATORS = new Set('-?:,[]{}#&*!|>\'"%@`');
/** Plain scalars the core schema reads as null, booleans or numbers. */
const BOOLEAN = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const NOT_A_STRING = [
  /^(?:~|[Nn]ull|NULL)?$/,
  BOOLEAN,
  /^0o[0-7]+$/,
  /^[-+]?[0-9]+$/,
  /^0x[0-9a-fA-F]+$/,
  /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/,
];
/** The one kind of number read here: a decimal integer that a double holds exactly. */
const SMALL_INTEGER = /^(?:0|[1-9][0-9]{0,14})$/;

const SIMPLE_ESCAPES: Record<string, string> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  t: '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  e: '\x1b',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  N: '\x85',
  _: '\xa0',
  L: '\u2028',
  P: '\u2029',
};
const HEX_ESCAPES: Record<string, number> = { x: 2, u: 4, U: 8 };

/** The data and places of `text`, or undefined when it is not written in the YAML read here. */
export function parsePlainYaml(text: string): PlainDocument | undefined {
  if (UNREAD_CHARACTERS.test(text)) return undefined;
  try {
    return new Reader(text).document();
  } catch (err) {
    // A RangeError is a stack overflow: nesting too deep for this reader, which `yaml` reports.
    if (err instanceof Unread || err instanceof RangeError) return undefined;
    throw err;
  }
}

/** A line with content: where it starts, where its content starts (after the indentation), and where it ends. */
interface Line {
  start: number;
  content: number;
  end: number;
}

class Reader {
  private readonly lines: Line[] = [];
  /** The next line to read. */
  private next = 0;

  constructor(private readonly text: string) {
    for (let start = 0; start < text.length;) {
      let end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      let content = start;
      while (content < end && text.charCodeAt(content) === 0x20) content++;
      // Blank lines and comments hold no value.
      if (content < end && text[content] !== '#') {
        if (content === start && /^(?:---|\.\.\.)(?: |$)|^%/.test(text.slice(start, Math.min(end, start + 4)))) throw new Unread();
        this.lines.push({ start, content, end });
      }
      start = end + 1;
    }
  }

  document(): PlainDocument {
    const first = this.lines[0];
    if (!first) throw new Unread();
    const places: PlaceTree = { place: { value: 0 } };
    const data = this.collection(indentOf(first), places, undefined);
    if (this.next < this.lines.length) throw new Unread();
    return { data, places, lines: new LineStarts(this.text) };
  }

  /** The block map or list whose first line is the next line, at `indent`. */
  private collection(indent: number, tree: PlaceTree, key: number | undefined): unknown {
    const line = this.lines[this.next]!;
    tree.place = { value: line.content, key };
    return this.isItem(line) ? this.list(indent, tree) : this.map(indent, tree);
  }

  private isItem(line: Line): boolean {
    return this.text[line.content] === '-' && (line.content + 1 === line.end || this.text[line.content + 1] === ' ');
  }

  private map(indent: number, tree: PlaceTree): Record<string, unknown> {
    const map: Record<string, unknown> = Object.create(null);
    for (let line = this.lines[this.next]; line && indentOf(line) >= indent; line = this.lines[this.next]) {
      if (indentOf(line) > indent || this.isItem(line)) throw new Unread();
      this.next++;
      const { value: name, end } = this.key(line.content, line.end);
      if (Object.hasOwn(map, name)) throw new Unread();
      const valueStart = skipSpaces(this.text, end + 1, line.end);
      const entry = child(tree, name);
      if (valueStart === line.end || this.text[valueStart] === '#') {
        // Nothing after the colon: the value is the block below, more indented.
        const below = this.lines[this.next];
        if (!below || indentOf(below) <= indent) throw new Unread();
        map[name] = this.collection(indentOf(below), entry, line.content);
      } else {
        map[name] = this.inline(valueStart, line.end, entry, line.content);
      }
    }
    return map;
  }

  private list(indent: number, tree: PlaceTree): unknown[] {
    const list: unknown[] = [];
    for (let line = this.lines[this.next]; line && indentOf(line) >= indent; line = this.lines[this.next]) {
      if (indentOf(line) > indent || !this.isItem(line)) throw new Unread();
      this.next++;
      const valueStart = skipSpaces(this.text, line.content + 1, line.end);
      if (valueStart === line.end || this.text[valueStart] === '#') throw new Unread();
      list.push(this.inline(valueStart, line.end, child(tree, list.length), undefined));
    }
    return list;
  }

  /**
   * A value that starts at `start` and fills its line up to `end` (but for a comment). A more
   * indented line below it, which would continue it, is refused by the map or list it is in.
   */
  private inline(start: number, end: number, tree: PlaceTree, key: number | undefined): unknown {
    const opener = this.text[start];
    let value: unknown;
    let after: number;
    if (opener === '{' || opener === '[') {
      tree.place = { value: start, key };
      ({ value, end: after } = opener === '{' ? this.flowMap(start, end, tree) : this.flowList(start, end, tree));
    } else {
      ({ value, end: after } = this.scalar(start, end, tree, key, false));
    }
    this.rest(after, end);
    return value;
  }

  private flowMap(start: number, end: number, tree: PlaceTree): { value: Record<string, unknown>; end: number } {
    const map: Record<string, unknown> = Object.create(null);
    let at = skipSpaces(this.text, start + 1, end);
    if (this.text[at] === '}') return { value: map, end: at + 1 };
    for (;;) {
      const { value: name, end: colon } = this.key(at, end);
      if (Object.hasOwn(map, name)) throw new Unread();
      const valueStart = skipSpaces(this.text, colon + 1, end);
      if (valueStart === colon + 1) throw new Unread();
      const entry = child(tree, name);
      const scalar = this.scalar(valueStart, end, entry, at, true);
      map[name] = scalar.value;
      at = skipSpaces(this.text, scalar.end, end);
      if (this.text[at] === '}') return { value: map, end: at + 1 };
      if (this.text[at] !== ',') throw new Unread();
      at = skipSpaces(this.text, at + 1, end);
      if (at === end || this.text[at] === '}') throw new Unread();
    }
  }

  private flowList(start: number, end: number, tree: PlaceTree): { value: unknown[]; end: number } {
    const list: unknown[] = [];
    let at = skipSpaces(this.text, start + 1, end);
    if (this.text[at] === ']') return { value: list, end: at + 1 };
    for (;;) {
      const scalar = this.scalar(at, end, child(tree, list.length), undefined, true);
      list.push(scalar.value);
      at = skipSpaces(this.text, scalar.end, end);
      if (this.text[at] === ']') return { value: list, end: at + 1 };
      if (this.text[at] !== ',') throw new Unread();
      at = skipSpaces(this.text, at + 1, end);
      if (at === end || this.text[at] === ']') throw new Unread();
    }
  }

  /** A key at `start`, plain or quoted, directly followed by a colon and a space or the end of the line: the key, and where its colon is. */
  private key(start: number, end: number): { value: string; end: number } {
    const opener = this.text[start];
    let value: string;
    let after: number;
    if (opener === '"' || opener === "'") {
      ({ value, end: after } = this.quoted(start, end));
    } else {
      PLAIN_KEY.lastIndex = start;
      value = PLAIN_KEY.exec(this.text)?.[0] ?? '';
      after = start + value.length;
      if (after > end || typeof plainValue(value) !== 'string') throw new Unread();
    }
    // The `yaml` package refuses a key of more than 1024 characters.
    if (after - start > 1000) throw new Unread();
    if (this.text[after] !== ':' || (after + 1 < end && this.text[after + 1] !== ' ')) throw new Unread();
    return { value, end: after };
  }

  /** A scalar at `start`: its value and where it ends; its place goes into `tree`. */
  private scalar(start: number, end: number, tree: PlaceTree, key: number | undefined, flow: boolean): { value: unknown; end: number } {
    const place: Place = { value: start, key };
    tree.place = place;
    const opener = this.text[start];
    if (opener === '"' || opener === "'") return this.quoted(start, end);
    if (opener === undefined || INDICATORS.has(opener) || opener === ' ') throw new Unread();
    const last = flow ? this.flowPlainEnd(start, end) : this.blockPlainEnd(start, end);
    place.plainEnd = last;
    return { value: plainValue(this.text.slice(start, last)), end: last };
  }

  /**
   * Where a plain scalar that fills its line up to `end` ends: before a comment and trailing spaces.
   * A colon followed by a space or the end of the line would make it a key, which is not read here.
   */
  private blockPlainEnd(start: number, end: number): number {
    const line = this.text.slice(start, end);
    let stop = line.indexOf(' #');
    if (stop < 0) stop = line.length;
    const colon = line.indexOf(': ');
    if ((colon >= 0 && colon < stop) || (stop === line.length && line.endsWith(':'))) throw new Unread();
    while (stop > 0 && line.charCodeAt(stop - 1) === 0x20) stop--;
    return start + stop;
  }

  /** Where a plain scalar in a flow map or list ends: before a flow indicator, a key's colon, a comment or spaces. */
  private flowPlainEnd(start: number, end: number): number {
    let after = start;
    let last = start;
    for (; after < end; after++) {
      const c = this.text[after]!;
      if (c === ' ') {
        if (this.text[after + 1] === '#') break;
        continue;
      }
      if (c === ':' && (after + 1 === end || this.text[after + 1] === ' ' || ',[]{}'.includes(this.text[after + 1]!))) break;
      if (',[]{}'.includes(c)) break;
      last = after + 1;
    }
    return last;
  }

  /** A single- or double-quoted scalar that closes on its line. */
  private quoted(start: number, end: number): { value: string; end: number } {
    const quote = this.text[start];
    let value = '';
    let from = start + 1;
    for (let at = from; at < end; at++) {
      const c = this.text[at];
      if (c === quote) {
        if (quote === "'" && this.text[at + 1] === "'") {
          value += this.text.slice(from, at + 1);
          from = ++at + 1;
          continue;
        }
        return { value: value + this.text.slice(from, at), end: at + 1 };
      }
      if (c === '\\' && quote === '"') {
        value += this.text.slice(from, at);
        const escape = this.text[at + 1] ?? '';
        const digits = HEX_ESCAPES[escape];
        if (digits !== undefined) {
          const hex = this.text.slice(at + 2, at + 2 + digits);
          const code = /^[0-9a-fA-F]+$/.test(hex) && hex.length === digits ? parseInt(hex, 16) : NaN;
          if (!(code <= 0x10ffff)) throw new Unread();
          value += String.fromCodePoint(code);
          at += 1 + digits;
        } else {
          const simple = SIMPLE_ESCAPES[escape];
          if (simple === undefined || at + 1 >= end) throw new Unread();
          value += simple;
          at += 1;
        }
        from = at + 1;
      }
    }
    throw new Unread();
  }

  /** After a value: spaces, then the end of the line or a comment. */
  private rest(at: number, end: number): void {
    const next = skipSpaces(this.text, at, end);
    if (next < end && (next === at || this.text[next] !== '#')) throw new Unread();
  }
}

const indentOf = (line: Line): number => line.content - line.start;

/** What the core schema reads a plain scalar as, where that is a string, a boolean or a small decimal integer. */
function plainValue(source: string): string | number | boolean {
  // Every scalar the core schema reads as other than a string starts with one of these, or is empty.
  if (source !== '' && !'~nNtTfF0123456789-+.'.includes(source[0]!)) return source;
  if (!NOT_A_STRING.some((pattern) => pattern.test(source))) return source;
  if (SMALL_INTEGER.test(source)) return Number(source);
  if (BOOLEAN.test(source)) return source[0] === 't' || source[0] === 'T';
  throw new Unread();
}

function skipSpaces(text: string, at: number, end: number): number {
  while (at < end && text.charCodeAt(at) === 0x20) at++;
  return at;
}
