/**
 * The engine's readers of single values, rebuilt from its source: each says whether the engine
 * accepts a text, and how. Tags are those of sources.ts.
 */

// ENV `instance FromEnv Bool`: `map toLower t` against these lists; no trimming [F].
const TRUE = ['true', 't', 'yes', 'y'];
const FALSE = ['false', 'f', 'no', 'n'];
export const BOOLEAN_WORDS = [...TRUE, ...FALSE];

export function parseBool(text: string): boolean | undefined {
  const lower = text.toLowerCase();
  return TRUE.includes(lower) ? true : FALSE.includes(lower) ? false : undefined;
}

/**
 * Haskell `read` of an integer (ENV `readMaybe`, `readEither`) [F]: decimal, 0x hex or 0o octal
 * digits, an optional minus sign, surrounding spaces and parentheses; no plus sign, no
 * fraction, no exponent (GHC's reader refuses 1e3 for an integral type) [I].
 */
export function parseInteger(text: string): bigint | undefined {
  const match = /^\s*(-\s*)?(\d+|0[xX][0-9a-fA-F]+|0[oO][0-7]+)\s*$/.exec(unparenthesize(text));
  if (!match) return undefined;
  const digits = BigInt(match[2]!);
  return match[1] ? -digits : digits;
}

/** Haskell `read` of a Double (ENV `FromEnv NominalDiffTime`) [F]: also a fraction, an exponent, NaN and Infinity [I]. */
export function parseDouble(text: string): number | undefined {
  const match = /^\s*(-\s*)?(\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|0[xX][0-9a-fA-F]+|0[oO][0-7]+|NaN|Infinity)\s*$/.exec(unparenthesize(text));
  if (!match) return undefined;
  const magnitude = Number(match[2]!);
  return match[1] ? -magnitude : magnitude;
}

/** `read` takes a number in any number of parentheses: `(5)`, ` ( -5 ) `. */
function unparenthesize(text: string): string {
  let inner = text;
  for (let m = /^\s*\((.*)\)\s*$/s.exec(inner); m; m = /^\s*\((.*)\)\s*$/s.exec(inner)) inner = m[1]!;
  return inner;
}

/** ENV list readers: `splitOn ","` then `strip` each item [F]; an empty text is one empty item [F]. */
export function splitList(text: string): string[] {
  return text.split(',').map((item) => item.trim());
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** aeson `eitherDecode` (ENV readJson) [F]: strict JSON, as JSON.parse reads it. */
export function parseJson(text: string): { json: Json } | { problem: string } {
  try {
    return { json: JSON.parse(text) as Json };
  } catch {
    // JSON.parse's message quotes the input, which may be a secret: describe it instead.
    return { problem: jsonProblem(text) };
  }
}

function jsonProblem(text: string): string {
  if (text.trim() === '') return 'is empty, which is not JSON';
  if (controlCharacterInString(text)) {
    return 'is not valid JSON: a string in it contains a raw line break or control character (a PEM key pasted as is?); write each line break as \\n';
  }
  if (/^\s*'|[{,]\s*'/.test(text)) return 'is not valid JSON: it uses single quotes; JSON strings and keys take double quotes';
  if (/,\s*[}\]]/.test(text)) return 'is not valid JSON: it has a trailing comma';
  if (/^\s*\{\s*[A-Za-z_]/.test(text)) return 'is not valid JSON: its keys are not quoted';
  return 'is not valid JSON';
}

/** Whether a double-quoted string holds a raw control character (aeson: "unescaped control character" [F], #7220). */
function controlCharacterInString(text: string): boolean {
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString && c === '\\') i++;
    else if (c === '"') inString = !inString;
    else if (inString && c.charCodeAt(0) < 0x20) return true;
  }
  return false;
}

/** `an array`, `a string`, …: what a JSON value is, never what it holds. */
export function jsonKind(json: Json): string {
  if (json === null) return 'null';
  if (Array.isArray(json)) return 'an array';
  return typeof json === 'object' ? 'an object' : `a ${typeof json}`;
}

/**
 * Hasura's JSON path (Data.Parser.JSONPath `parseJSONPath`) [F]: an optional `$`, then `.name`,
 * `name`, `[0]`, `['name']` or `["name"]`; a name starts with a letter or `_` and goes on with
 * letters, digits, `_` and `-`. Later versions accept `$` alone [I], so it passes.
 */
export function isJsonPath(text: string): boolean {
  const element = /^(?:\.?[\p{L}_][\p{L}\p{N}_-]*|\.?\[(?:\d+|'(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*")\])/u;
  let rest = text.startsWith('$') ? text.slice(1) : text;
  if (rest === '') return text === '$';
  while (rest !== '') {
    const m = element.exec(rest);
    if (!m) return false;
    rest = rest.slice(m[0].length);
  }
  return true;
}

/**
 * jose's StringOrURI (audience, issuer) [F]: a string with a `:` must parse as a URI
 * (Network.URI.parseURI). Only what RFC 3986 surely refuses is refused here: no scheme, spaces
 * and other characters a URI never holds, a bad percent escape.
 */
export function isStringOrUri(text: string): boolean {
  if (!text.includes(':')) return true;
  return /^[A-Za-z][A-Za-z0-9+.-]*:/.test(text) && !/[\s"<>\\^`{|}\x00-\x1f\x7f]/.test(text) && !/%(?![0-9A-Fa-f]{2})/.test(text);
}
