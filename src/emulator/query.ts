import { hasuraError } from './errors.js';
import { NEGATIVE_INT, invalidUuid, unexpectedNull } from './messages.js';

/**
 * The part of the Hasura engine's generated table API the emulator needs: `where` bool_exps,
 * `order_by`, `limit` and `offset`, evaluated over in-memory rows with Postgres semantics.
 */

type Value = string | boolean | null;
type ColumnType = 'String' | 'uuid' | 'Boolean' | 'timestamptz';

interface Column<R> {
  type: ColumnType;
  get(row: R): Value;
}

export interface Table<R> {
  columns: Record<string, Column<R>>;
  /** Object relationships usable inside `where` (e.g. `projects.tenant`). */
  relations?: Record<string, { table: Table<R>; get(row: R): R | undefined }>;
}

export interface ListArgs {
  where?: Record<string, unknown> | null;
  limit?: number | null;
  offset?: number | null;
  order_by?: readonly Record<string, string>[] | null;
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Postgres accepts any letter case in a uuid and stores it lowercase. `path` is built only for an error. */
export function normalizeUuid(value: string, path: () => string): string {
  if (!UUID_PATTERN.test(value)) throw hasuraError(invalidUuid(value), path());
  return value.toLowerCase();
}

/**
 * `argsPath` is where the field's arguments are in the document, e.g. `$.selectionSet.projects.args`.
 * The `where` is compiled once per query, so each row costs a few comparisons and a set lookup,
 * and a bad argument fails the query whether or not any row reaches it, as in Postgres.
 */
export function list<R>(table: Table<R>, rows: readonly R[], args: ListArgs, argsPath: string): R[] {
  const where = args.where;
  const selected = where ? rows.filter(predicate(table, where, `${argsPath}.where`)) : [...rows];
  if (args.order_by) selected.sort(comparator(table, args.order_by));
  const offset = nonNegative(args.offset, `${argsPath}.offset`) ?? 0;
  const limit = nonNegative(args.limit, `${argsPath}.limit`);
  return selected.slice(offset, limit === undefined ? undefined : offset + limit);
}

function nonNegative(value: number | null | undefined, path: string): number | undefined {
  if (value === null || value === undefined) return undefined;
  if (value < 0) throw hasuraError(NEGATIVE_INT, path);
  return value;
}

type Test<R> = (row: R) => boolean;

const all =
  <R>(tests: Test<R>[]): Test<R> =>
  (row) =>
    tests.every((test) => test(row));

function predicate<R>(table: Table<R>, exp: Record<string, unknown>, path: string): Test<R> {
  return all(
    Object.entries(exp).map(([key, arg]): Test<R> => {
      const at = `${path}.${key}`;
      if (arg === null) throw hasuraError(unexpectedNull(key), at);
      const sub = arg as Record<string, unknown>;
      const subs = arg as Record<string, unknown>[];
      switch (key) {
        case '_and':
          return all(subs.map((e, i) => predicate(table, e, `${at}[${i}]`)));
        case '_or': {
          const tests = subs.map((e, i) => predicate(table, e, `${at}[${i}]`));
          return (row) => tests.some((test) => test(row));
        }
        case '_not': {
          const test = predicate(table, sub, at);
          return (row) => !test(row);
        }
      }
      const relation = table.relations?.[key];
      if (relation) {
        const test = predicate(relation.table, sub, at);
        return (row) => {
          const related = relation.get(row);
          return related !== undefined && test(related);
        };
      }
      const column = table.columns[key];
      if (!column) throw new Error(`bool_exp field ${key} has no column`);
      const test = comparison(column, sub, at);
      return (row) => test(column.get(row));
    }),
  );
}

function comparison<R>(column: Column<R>, exp: Record<string, unknown>, path: string): Test<Value> {
  return all(
    Object.entries(exp).map(([op, arg]): Test<Value> => {
      const at = `${path}.${op}`;
      if (arg === null) throw hasuraError(unexpectedNull(op === '_is_null' ? 'Boolean' : column.type), at);
      if (op === '_is_null') return (value) => (value === null) === arg;
      const operand = (v: unknown) => (column.type === 'uuid' ? normalizeUuid(String(v), () => at) : v);
      // SQL: every comparison with NULL is unknown, which filters the row out.
      const notNull =
        (test: Test<Value>): Test<Value> =>
        (value) =>
          value !== null && test(value);
      switch (op) {
        case '_eq': {
          const x = operand(arg);
          return notNull((value) => value === x);
        }
        case '_neq': {
          const x = operand(arg);
          return notNull((value) => value !== x);
        }
        case '_in': {
          const set = new Set((arg as unknown[]).map(operand));
          return notNull((value) => set.has(value));
        }
        case '_nin': {
          const set = new Set((arg as unknown[]).map(operand));
          return notNull((value) => !set.has(value));
        }
        case '_like': {
          const pattern = likePattern(String(arg), '');
          return notNull((value) => pattern.test(String(value)));
        }
        case '_ilike': {
          const pattern = likePattern(String(arg), 'i');
          return notNull((value) => pattern.test(String(value)));
        }
        default:
          throw new Error(`comparison operator ${op} is not implemented`);
      }
    }),
  );
}

/** SQL LIKE: `%` is any run, `_` any one character, `\` escapes the next character. */
function likePattern(pattern: string, flags: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i += 1) {
    const c = pattern[i] ?? '';
    if (c === '\\' && i + 1 < pattern.length) source += escapeRegExp(pattern[++i] ?? '');
    else if (c === '%') source += '.*';
    else if (c === '_') source += '.';
    else source += escapeRegExp(c);
  }
  return new RegExp(`^${source}$`, `s${flags}`);
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** Postgres orders NULLs as larger than any value: last ascending, first descending, unless told. */
function comparator<R>(table: Table<R>, orderBy: readonly Record<string, string>[]): (a: R, b: R) => number {
  const keys = orderBy.flatMap((o) => Object.entries(o));
  return (a, b) => {
    for (const [field, direction] of keys) {
      const column = table.columns[field];
      if (!column) throw new Error(`order_by field ${field} has no column`);
      const [x, y] = [column.get(a), column.get(b)];
      if (x === y) continue;
      const desc = direction.startsWith('desc');
      const nullsFirst = direction.endsWith('nulls_first') || (desc && !direction.endsWith('nulls_last'));
      if (x === null) return nullsFirst ? -1 : 1;
      if (y === null) return nullsFirst ? 1 : -1;
      const order = x < y ? -1 : 1;
      return desc ? -order : order;
    }
    return 0;
  };
}
