/**
 * Globs over names (env keys, project names), case-sensitive:
 *   `*` any run of characters (`**` too: names hold no `/`), `?` any one character,
 *   `[abc]`, `[a-z]` one character of a class, `[!a-z]` or `[^a-z]` one character not in it,
 *   `{a,b}` either alternative (alternatives may nest and hold globs), `\x` the character x.
 * Extglobs (`@(a|b)`, `!(a)`, `+(a)`, …), a leading `!` (negation) and brace ranges (`{1..3}`) are
 * refused with a message that says what to write instead.
 *
 * Braces are expanded (to at most 100 globs), and each glob is matched in at most name × glob steps
 * (matchesTokens), whatever either holds. A regular expression made of the glob (what picomatch did)
 * backtracks: `*a*a*a…b` against a long name took minutes at full CPU.
 */

/** The most characters of a glob: as long as the longest key name, which no longer glob is needed for. */
const MAX_GLOB_LENGTH = 255;

type Node =
  /** One given character. */
  | { kind: 'literal'; char: string }
  /** One character that passes `test` (`?`, a class). */
  | { kind: 'one'; test: (c: string) => boolean }
  | { kind: 'star' }
  | { kind: 'alternatives'; options: Node[][] };

class GlobSyntaxError extends Error {
  constructor(message: string, at: number) {
    super(`${message} (at character ${at + 1})`);
  }
}

/** Parses `glob` into a sequence of nodes, or throws a GlobSyntaxError. */
function parse(glob: string): Node[] {
  const chars = [...glob];
  let i = 0;
  const fail = (message: string, at = i): never => {
    throw new GlobSyntaxError(message, at);
  };

  const sequence = (inBraces: boolean): Node[] => {
    const nodes: Node[] = [];
    while (i < chars.length) {
      const c = chars[i]!;
      if (inBraces && (c === ',' || c === '}')) return nodes;
      if ('@!+*?'.includes(c) && chars[i + 1] === '(') fail(`extglob "${c}(…)" is not supported; write alternatives as {a,b}`);
      if (c === '(' || c === ')' || c === '|') fail(`"${c}" belongs to extglobs, which are not supported; write alternatives as {a,b}`);
      if (c === '!' && i === 0) fail('a leading "!" (negation) is not supported; list what to match instead');
      if (c === '}') fail('a "}" without its "{"');
      if (c === '*') {
        while (chars[i] === '*') i++;
        nodes.push({ kind: 'star' });
        continue;
      }
      i++;
      if (c === '?') nodes.push({ kind: 'one', test: () => true });
      else if (c === '[') nodes.push(characterClass(i - 1));
      else if (c === '{') nodes.push(alternatives(i - 1));
      else if (c === '\\') nodes.push(literal(i < chars.length ? chars[i++]! : fail('a "\\" with no character after it', i - 1)));
      else nodes.push(literal(c));
    }
    return nodes;
  };

  const alternatives = (open: number): Node => {
    const options: Node[][] = [];
    for (;;) {
      const start = i;
      options.push(sequence(true));
      if (chars.slice(start, i).join('').includes('..'))
        fail('brace ranges such as {1..3} are not supported; list the alternatives: {1,2,3}', start);
      if (i >= chars.length) fail('a "{" that is never closed with "}"', open);
      if (chars[i++] === '}') return { kind: 'alternatives', options };
    }
  };

  const characterClass = (open: number): Node => {
    const negated = chars[i] === '!' || chars[i] === '^';
    if (negated) i++;
    const ranges: [string, string][] = [];
    // A `]` first in the class is one of its characters, as in every shell.
    for (let first = true; ; first = false) {
      if (i >= chars.length) fail('a "[" that is never closed with "]"', open);
      const c = chars[i]!;
      if (c === ']' && !first) break;
      if (c === '[' && chars[i + 1] === ':') fail('POSIX classes such as [[:alpha:]] are not supported; write [A-Za-z]');
      let lo = c;
      i++;
      if (lo === '\\') lo = i < chars.length ? chars[i++]! : fail('a "\\" with no character after it', i - 1);
      let hi = lo;
      if (chars[i] === '-' && chars[i + 1] !== undefined && chars[i + 1] !== ']') {
        hi = chars[i + 1]!;
        if (hi < lo) fail(`the range ${lo}-${hi} runs backwards; write ${hi}-${lo}`, i - 1);
        i += 2;
      }
      ranges.push([lo, hi]);
    }
    i++;
    const inClass = (ch: string) => ranges.some(([lo, hi]) => ch >= lo && ch <= hi);
    return { kind: 'one', test: negated ? (ch) => !inClass(ch) : inClass };
  };

  return sequence(false);
}

const literal = (char: string): Node => ({ kind: 'literal', char });

/** The most alternatives braces may expand to: `{a,b}{c,d}` is four. Real globs have a handful. */
const MAX_ALTERNATIVES = 100;

type Token = Exclude<Node, { kind: 'alternatives' }>;

/** The globs without braces that `nodes` stands for, one per choice of alternatives: `A{B,C}` is `AB` and `AC`. */
function expand(nodes: Node[]): Token[][] {
  let globs: Token[][] = [[]];
  for (const node of nodes) {
    if (node.kind !== 'alternatives') {
      for (const glob of globs) glob.push(node);
      continue;
    }
    const options = node.options.flatMap(expand);
    globs = globs.flatMap((glob) => options.map((option) => [...glob, ...option]));
    if (globs.length > MAX_ALTERNATIVES) throw new GlobSyntaxError(`its braces expand to more than ${MAX_ALTERNATIVES} alternatives`, 0);
  }
  return globs;
}

/**
 * Whether `name` matches a glob without braces: characters are matched in order, and on a
 * mismatch the last `*` takes one more character. Only the last star is ever revisited (what an
 * earlier one would take, the later one can take as well), so this takes at most name × glob steps.
 */
function matchesTokens(tokens: readonly Token[], name: readonly string[] | string): boolean {
  let t = 0;
  let c = 0;
  let star = -1;
  let resume = 0;
  while (c < name.length) {
    const token = tokens[t];
    const char = name[c]!;
    if (token !== undefined && (token.kind === 'literal' ? token.char === char : token.kind === 'one' && token.test(char))) {
      t++;
      c++;
    } else if (token?.kind === 'star') {
      star = t++;
      resume = c;
    } else if (star >= 0) {
      t = star + 1;
      c = ++resume;
    } else {
      return false;
    }
  }
  while (tokens[t]?.kind === 'star') t++;
  return t === tokens.length;
}

/** A compiled glob: `name` matches when one of its brace expansions does. */
function compile(glob: string): (name: string) => boolean {
  const expansions = expand(parse(glob));
  return (name) => {
    // `?` is one character: one code point, also outside the BMP (never in valid names, but live ones may hold anything).
    const chars = /[\uD800-\uDFFF]/.test(name) ? [...name] : name;
    return expansions.some((tokens) => matchesTokens(tokens, chars));
  };
}

/** Matchers by their globs: most projects share their `ignore` globs through defaults. */
const compiled = new Map<string, (name: string) => boolean>();

/**
 * Whether a name matches any of `globs` (see above for the syntax), as `ignore`, `--project` and
 * `--sensitive-keys` mean it. The globs must be valid (see globProblem).
 */
export function globMatcher(globs: readonly string[]): (name: string) => boolean {
  if (globs.length === 0) return () => false;
  const key = JSON.stringify(globs);
  let matcher = compiled.get(key);
  if (!matcher) {
    const matchers = globs.map(compile);
    matcher = (name) => matchers.some((matches) => matches(name));
    compiled.set(key, matcher);
  }
  return matcher;
}

/** Why `glob` is not a valid glob, if it is not: `a "[" that is never closed with "]" (at character 3)`. */
export function globProblem(glob: string): string | undefined {
  if (glob.length > MAX_GLOB_LENGTH) return `it is ${glob.length} characters long; a glob has at most ${MAX_GLOB_LENGTH}`;
  if (glob === '') return 'it is empty';
  try {
    expand(parse(glob));
    return undefined;
  } catch (err) {
    if (err instanceof GlobSyntaxError) return err.message;
    throw err;
  }
}
