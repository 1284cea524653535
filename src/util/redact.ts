/** What a masked value becomes. */
const MASK = '(sensitive)';

/** Values shorter than this are masked only where a text quotes them whole: `"on"`, `'1'`. */
const MIN_WORD_LENGTH = 4;
/** Values at least this long are masked wherever they occur, even inside a longer word. */
const MIN_ANYWHERE_LENGTH = 16;

/** How many characters of a form index it. */
const PREFIX = 4;

/** Where an occurrence of a value counts: quoted, as a whole word, or anywhere. */
type Rule = 'quoted' | 'word' | 'anywhere';

interface Form {
  text: string;
  rule: Rule;
}

const WORD = /^[\p{L}\p{N}_]$/u;
const QUOTES = new Set(['"', "'", '`']);
/** A JSON escape that ends just before a position: what comes after it starts a new word. */
const ESCAPE_BEFORE = /\\(u[0-9a-fA-F]{4}|[nrtbfv0])$/;

/**
 * The sensitive values one run of hcr knows (the token, resolved secrets, live values it hides),
 * to mask in free text that comes from outside: the service's error messages and the like, before
 * they are put into a message. Views never hold a secret in the first place, so nothing else is
 * masked, and a value is masked only where it occurs whole, so that a short secret does not garble
 * unrelated words or give itself away by where the mask lands:
 * - 16 characters or more: wherever it occurs;
 * - 4 to 15: where it is not part of a longer word (`maint` leaves `maintenance` alone);
 * - 1 to 3: only where the text quotes it whole (`"on"`, `'x'`); unquoted, such a value cannot be
 *   told from ordinary words, and a secret that short is guessed in moments anyway.
 * Each value is also found in the forms a service may echo it in: JSON-escaped (quotes,
 * backslashes, newlines, `\uXXXX`, `\/`), JSON-escaped twice (JSON in a JSON string), and
 * percent-encoded.
 */
export class Redactor {
  readonly #values = new Set<string>();
  /**
   * Forms of PREFIX characters or more, by their first PREFIX characters: a text is read once,
   * looking up each place in it, rather than once per form (an import of a thousand projects
   * holds thousands of secrets and tests every value against them).
   */
  readonly #byPrefix = new Map<string, Form[]>();
  readonly #short: Form[] = [];

  add(value: string | undefined): void {
    if (!value || this.#values.has(value)) return;
    this.#values.add(value);
    const rule: Rule = value.length >= MIN_ANYWHERE_LENGTH ? 'anywhere' : value.length >= MIN_WORD_LENGTH ? 'word' : 'quoted';
    for (const text of encodings(value)) {
      const form = { text, rule };
      const prefix = text.slice(0, PREFIX);
      if (text.length < PREFIX) this.#short.push(form);
      else if (this.#byPrefix.has(prefix)) this.#byPrefix.get(prefix)!.push(form);
      else this.#byPrefix.set(prefix, [form]);
    }
  }

  /** `text` with every whole occurrence of a known value replaced by `(sensitive)`. */
  mask(text: string): string {
    const ranges = this.#occurrences(text, false).sort((a, b) => a[0] - b[0] || b[1] - a[1]);
    let out = '';
    let done = 0;
    for (const [start, end] of ranges) {
      if (end <= done) continue;
      if (start >= done) out += text.slice(done, start) + MASK;
      done = end;
    }
    return out + text.slice(done);
  }

  /** Whether `text` holds a known value, by the rule `mask` masks by. */
  foundIn(text: string): boolean {
    return this.#occurrences(text, true).length > 0;
  }

  #occurrences(text: string, first: boolean): [number, number][] {
    const found: [number, number][] = [];
    const occurs = (form: Form, at: number): boolean => {
      const end = at + form.text.length;
      if (!counts(text, at, end, form.rule)) return false;
      found.push([at, end]);
      return first;
    };
    if (this.#byPrefix.size > 0) {
      for (let at = 0; at + PREFIX <= text.length; at++) {
        for (const form of this.#byPrefix.get(text.slice(at, at + PREFIX)) ?? []) {
          if (text.startsWith(form.text, at) && occurs(form, at)) return found;
        }
      }
    }
    for (const form of this.#short) {
      for (let at = text.indexOf(form.text); at >= 0; at = text.indexOf(form.text, at + 1)) if (occurs(form, at)) return found;
    }
    return found;
  }
}

function encodings(value: string): Set<string> {
  const json = JSON.stringify(value).slice(1, -1);
  const hex = (c: string) => c.charCodeAt(0).toString(16).padStart(4, '0');
  const ascii = json.replace(/[^\x00-\x7f]/g, (c) => `\\u${hex(c)}`);
  const percent = encodeURIComponent(value);
  return new Set([
    value,
    json,
    ascii,
    json.replace(/[^\x00-\x7f]/g, (c) => `\\u${hex(c).toUpperCase()}`),
    ascii.replace(/[<>&]/g, (c) => `\\u${hex(c)}`), // Go's encoding/json
    json.replaceAll('/', '\\/'), // PHP's json_encode
    JSON.stringify(json).slice(1, -1),
    percent,
    percent.replaceAll('%20', '+'),
  ]);
}

function counts(text: string, start: number, end: number, rule: Rule): boolean {
  if (rule === 'anywhere') return true;
  const before = charBefore(text, start);
  const after = charAt(text, end);
  if (rule === 'quoted') return before !== undefined && QUOTES.has(before) && text.startsWith(`${escapes(text, start - 1)}${before}`, end);
  const first = charAt(text, start)!;
  const last = charBefore(text, end)!;
  const glued =
    (WORD.test(first) && WORD.test(before ?? '') && !ESCAPE_BEFORE.test(text.slice(Math.max(0, start - 6), start))) ||
    (WORD.test(last) && WORD.test(after ?? ''));
  return !glued;
}

/**
 * The backslashes just before position `i`: a value quoted in JSON (`\"on\"`), or in JSON in a
 * JSON string (`\\\"on\\\"`), is closed by a quote escaped the same way, not by another one.
 */
function escapes(text: string, i: number): string {
  let start = i;
  while (start > 0 && text[start - 1] === '\\') start--;
  return text.slice(start, i);
}

/** The whole character (a surrogate pair is one) that starts at `i`. */
function charAt(text: string, i: number): string | undefined {
  const code = text.codePointAt(i);
  return code === undefined ? undefined : String.fromCodePoint(code);
}

/** The whole character that ends just before `i`. */
function charBefore(text: string, i: number): string | undefined {
  if (i <= 0) return undefined;
  const low = text.charCodeAt(i - 1);
  const pair = i >= 2 && low >= 0xdc00 && low <= 0xdfff && text.charCodeAt(i - 2) >= 0xd800 && text.charCodeAt(i - 2) <= 0xdbff;
  return text.slice(pair ? i - 2 : i - 1, i);
}
