/**
 * Random YAML documents for holding the fast reader to the `yaml` package: block maps and lists
 * nested a few levels, keys and scalars in every quoting style, escapes (valid and not), flow
 * maps and lists, block and multi-line scalars, anchors, aliases and merge keys, comments, blank
 * lines, odd indentation, unicode, YAML 1.1-vs-1.2 lookalikes, document markers, tabs, CRLF.
 * Half the documents are tame (valid YAML in the styles the fast reader knows), so that its
 * answers are compared on many; the wild half is mostly what it must leave to the `yaml` package.
 */

type Random = () => number;

/** How often a document strays from what the fast reader reads. */
interface Mix {
  odd: number;
  lookalike: number;
  strangeWord: number;
  badEscape: number;
}
const TAME: Mix = { odd: 0, lookalike: 0.1, strangeWord: 0.05, badEscape: 0 };
const WILD: Mix = { odd: 0.25, lookalike: 0.35, strangeWord: 0.5, badEscape: 0.3 };

// prettier-ignore
const WORDS = [
  'version', 'projects', 'env', 'LOG_LEVEL', 'HASURA_GRAPHQL_ADMIN_SECRET', 'app-00001', 'shop.prod', 'x/y', '_under',
  'fromEnv', 'value', 'sensitive', 'a', 'B2', 'info', 'https://svc.example.com/v1', 'postgres://u:p@db:5432/app',
  'a:b', 'a#b', 'a b', 'a  b', 'checkout,search', 'café', '日本語', '😀x', 'a\u00a0b', 'ключ',
  'x]', 'x}', '[x', '{x', 'x,y', '-x', '- x', '?x', ':x', '&anchor', '*alias', '!tag', '|', '>', '%x', '@x', '`x',
  "'x", '"x', 'x: y', 'x:', 'x #y', '#x', '<<', ' x', 'x ',
];
/** The first of WORDS that need no quotes anywhere: the rest are for the wild documents. */
const PLAIN_WORDS = WORDS.slice(0, WORDS.indexOf('x]'));
/** Plain scalars that YAML 1.1 or 1.2 reads as other than strings, and strings that look like them. */
// prettier-ignore
const LOOKALIKES = [
  'yes', 'No', 'ON', 'off', 'y', 'n', 'true', 'True', 'TRUE', 'false', 'null', 'Null', 'NULL', '~', '', '010', '0o10',
  '0o19', '0x1F', '0X1F', '0b101', '1_000', '1e3', '1E+3', '.5', '1.', '+1', '-1', '-0', '0', '00', '7', '42',
  '123456789012345', '1234567890123456', '9007199254740993', '.inf', '-.Inf', '+.INF', '.nan', '.NaN', '2001-12-14',
  '2001-12-14t21:59:43.10-05:00', '12:30:00', '190:20:30', '1.0e+3', '+.5', '0.', '-.5e-3', 'infinity', 'nan',
];
// prettier-ignore
const ESCAPES = ['\\n', '\\t', '\\\\', '\\"', '\\/', '\\u00e9', '\\x41', '\\U0001F600', '\\0', '\\e', '\\N', '\\_', '\\L', '\\P', '\\ ', '\\uD800'];
const BAD_ESCAPES = ['\\q', '\\x4', '\\U00110000', '\\'];

class Generator {
  constructor(
    private readonly random: Random,
    private readonly mix: Mix,
  ) {}

  private chance(p: number): boolean {
    return this.random() < p;
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)]!;
  }

  private spaces(max: number): string {
    return ' '.repeat(Math.floor(this.random() * (max + 1)));
  }

  private text(): string {
    if (this.chance(this.mix.lookalike)) return this.pick(LOOKALIKES);
    return this.pick(this.chance(this.mix.strangeWord) ? WORDS : PLAIN_WORDS);
  }

  /** A scalar in a random style, as it is written after `key: ` or `- `. */
  scalar(flow = false): string {
    const text = this.text();
    const style = this.random();
    if (style < 0.5) return text;
    if (style < 0.75) {
      let quoted = text.replace(/[\\"]/g, (c) => `\\${c}`);
      if (this.chance(0.4)) quoted += this.pick(ESCAPES);
      if (this.chance(this.mix.badEscape)) quoted += this.pick(BAD_ESCAPES);
      return `"${quoted}"`;
    }
    if (flow || !this.chance(this.mix.odd)) return `'${text.replace(/'/g, "''")}'`;
    return `'${text}`;
  }

  key(): string {
    const text = this.chance(this.mix.lookalike / 2)
      ? this.pick(LOOKALIKES)
      : this.pick(this.chance(this.mix.strangeWord) ? WORDS : WORDS.slice(0, 15));
    const style = this.random();
    if (style < 0.85) return text;
    if (style < 0.95) return JSON.stringify(text);
    return `'${text.replace(/'/g, "''")}'`;
  }

  flowCollection(): string {
    const gap = (): string => this.spaces(2);
    const items = Array.from({ length: Math.floor(this.random() * 4) }, () =>
      this.chance(0.5) ? `${this.key()}:${this.chance(1 - this.mix.odd / 2) ? ' ' : ''}${this.scalar(true)}` : this.scalar(true),
    );
    if (this.chance(this.mix.odd / 2)) items.push(this.flowCollection());
    const trailing = this.chance(this.mix.odd / 2) ? ',' : '';
    const [open, close] = this.chance(0.55) ? ['{', '}'] : ['[', ']'];
    return `${open}${gap()}${items.join(`,${gap()}`)}${trailing}${gap()}${close}`;
  }

  /** What follows `key:` on its line, and the lines below it, for an entry at `indent`. */
  value(indent: number, depth: number): string[] {
    const comment = (): string => (this.chance(0.15) ? `${this.spaces(2)} # ${this.pick(WORDS)}` : '');
    const inner = ' '.repeat(indent + 1 + Math.floor(this.random() * 4));
    const r = this.random();
    if (r < 0.45 || depth >= 3) return [` ${this.scalar()}${comment()}${this.chance(0.05) ? '   ' : ''}`];
    if (r < 0.55) return [` ${this.flowCollection()}${comment()}`];
    if (r < 0.75) return [comment(), ...this.block(inner.length, depth + 1)];
    if (r < 1 - this.mix.odd) {
      const item = (): string => `${inner}- ${this.chance(1 - this.mix.odd / 2) ? this.scalar() : `${this.key()}: ${this.scalar()}`}`;
      return [comment(), ...Array.from({ length: 1 + Math.floor(this.random() * 3) }, item)];
    }
    const odd: (() => string[])[] = [
      () => [''],
      () => [' |', `${inner}line one`, `${inner}line two`],
      () => [` ${this.pick(['>', '|-', '>+', '|2'])}`, `${inner}folded text`],
      () => [` ${this.scalar()}`, `${inner}continued`],
      () => [` &a${Math.floor(this.random() * 3)} ${this.scalar()}`],
      () => [` *a${Math.floor(this.random() * 3)}`],
      () => [` !!str ${this.text()}`],
      () => [' "open', `${inner}closed"`],
      () => [`\t${this.scalar()}`],
      () => [` ${this.scalar()}\r`],
    ];
    return this.pick(odd)();
  }

  /** A block map at `indent`. */
  block(indent: number, depth: number): string[] {
    const lines: string[] = [];
    const pad = ' '.repeat(indent);
    for (let i = 0, n = 1 + Math.floor(this.random() * 4); i < n; i++) {
      if (this.chance(0.1)) lines.push(this.chance(0.5) ? '' : `${this.spaces(indent + 2)}# ${this.pick(WORDS)}`);
      if (this.chance(this.mix.odd / 8)) lines.push(`${pad}<<: *a0`);
      const separator = this.chance(this.mix.odd / 6) ? ' :' : ':';
      const [first = '', ...rest] = this.value(indent, depth);
      lines.push(`${pad}${this.key()}${separator}${first}`, ...rest);
      if (this.chance(this.mix.odd / 8)) lines.push(`${pad.slice(1)}${this.key()}: ${this.scalar()}`);
    }
    return lines;
  }

  document(): string {
    const lines = this.block(this.chance(0.1) ? 2 : 0, 0);
    if (this.chance(this.mix.odd / 5)) lines.unshift('---');
    if (this.chance(this.mix.odd / 8)) lines.unshift('%YAML 1.2', '---');
    if (this.chance(this.mix.odd / 8)) lines.push('---', 'second: doc');
    if (this.chance(this.mix.odd / 8)) lines.push('...');
    return `${lines.join('\n')}${this.chance(0.9) ? '\n' : ''}`;
  }
}

/** One generated document, tame or wild by an even chance: a top-level map, now and then with a marker, a directive or a second document. */
export function generatedDocument(random: Random): string {
  return new Generator(random, random() < 0.5 ? TAME : WILD).document();
}
