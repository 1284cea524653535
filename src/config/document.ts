import { FileRefused, readSmallFile } from '../util/files.js';
import type { Path } from './path.js';
import { parsePlainYaml } from './plain-yaml.js';
import type { Lines, Place, PlaceTree } from './places.js';
import type { Diagnostic, SourceLocation } from './types.js';

/** Files larger than this are refused before they are read: desired state is a few KiB (1000 projects × 50 keys: 2.7 MB). */
const MAX_FILE_BYTES = 5 * 1024 * 1024;

/** A YAML file turned into plain data, remembering where every value and key came from. */
export class ParsedDocument {
  constructor(
    readonly file: string,
    readonly data: unknown,
    private readonly places: PlaceTree,
    private readonly lines: Lines,
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

  // Most files are read by the fast reader; the `yaml` package reads the rest, and reports every error.
  const plain = parsePlainYaml(text);
  if (plain) return { document: new ParsedDocument(file, plain.data, plain.places, plain.lines, text), diagnostics: [] };
  const { parseYaml } = await import('./yaml-document.js');
  const parsed = parseYaml(text, file);
  if ('diagnostics' in parsed) return { diagnostics: parsed.diagnostics };
  return { document: new ParsedDocument(file, parsed.data, parsed.places, parsed.lines, text), diagnostics: parsed.problems };
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
