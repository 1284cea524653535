import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { packageFile } from '../paths.js';
import type { ParsedDocument } from './document.js';
import { displayPath, parsePointer, pointer, valueAt, type Path } from './path.js';
import type { Diagnostic } from './types.js';
import { didYouMean, lowerFirst, quoteList } from './words.js';

/** The parts of a JSON Schema that messages are made from. */
export interface SchemaNode {
  $id?: string;
  $ref?: string;
  $defs?: Record<string, SchemaNode>;
  title?: string;
  description?: string;
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  properties?: Record<string, SchemaNode>;
  required?: string[];
  pattern?: string;
  minLength?: number;
  propertyNames?: SchemaNode;
  oneOf?: SchemaNode[];
}

export const SCHEMA_FILE = packageFile('schema/hcr.schema.json');

/**
 * The validators compiled from the schema by `npm run build` (and before tests): ajv standalone
 * code, so that no run compiles the schema or loads ajv's compiler. See scripts/compile-schema.ts.
 */
export const VALIDATORS_FILE = packageFile('generated/hcr.schema.validate.cjs');

/** The key of the whole schema's validator in VALIDATORS_FILE; each oneOf branch's is its JSON Pointer. */
export const ROOT = '#';

interface Loaded {
  text: string;
  root: SchemaNode;
}

let loaded: Loaded | undefined;
let validators: Record<string, ValidateFunction> | undefined;
/** Each oneOf branch's JSON Pointer, by the branch's JSON text (see branchValidator). */
let branchPointers: Map<string, string> | undefined;

function load(): Loaded {
  if (!loaded) {
    const text = readFileSync(SCHEMA_FILE, 'utf8');
    loaded = { text, root: JSON.parse(text) as SchemaNode };
  }
  return loaded;
}

function validator(pointer: string): ValidateFunction {
  validators ??= createRequire(VALIDATORS_FILE)(fileURLToPath(VALIDATORS_FILE)) as Record<string, ValidateFunction>;
  return validators[pointer]!;
}

/**
 * The validator of one alternative of a oneOf. ajv's errors carry copies of the schema compiled
 * into the validators, not the nodes of the schema file, so the branch is found by its content.
 */
function branchValidator(branch: SchemaNode): ValidateFunction {
  branchPointers ??= new Map(oneOfBranches(load().root).map(([pointer, node]) => [JSON.stringify(node), pointer]));
  return validator(branchPointers.get(JSON.stringify(branch))!);
}

/** Every alternative of every oneOf in `root`, with its JSON Pointer (`#/$defs/envValue/oneOf/1`). */
export function oneOfBranches(root: SchemaNode): [string, SchemaNode][] {
  const branches: [string, SchemaNode][] = [];
  const visit = (node: unknown, at: Path): void => {
    if (node === null || typeof node !== 'object') return;
    if (!Array.isArray(node) && Array.isArray((node as SchemaNode).oneOf)) {
      (node as SchemaNode).oneOf!.forEach((branch, i) => branches.push([ROOT + pointer([...at, 'oneOf', i]), branch]));
    }
    for (const [k, child] of Object.entries(node)) visit(child, [...at, k]);
  };
  visit(root, []);
  return branches;
}

/** The JSON Schema of the desired-state file, as shipped in schema/hcr.schema.json. */
export function schemaText(): string {
  return load().text;
}

/** Every way `document` breaks the schema, each at its place with what was expected. */
export function schemaDiagnostics(document: ParsedDocument): Diagnostic[] {
  const validate = validator(ROOT);
  return validate(document.data) ? [] : new Explainer(document).explain(validate.errors ?? [], []);
}

const TYPE_NOUNS: Record<string, string> = {
  string: 'a string',
  object: 'a map',
  array: 'a list',
  boolean: 'true or false',
  number: 'a number',
  integer: 'a whole number',
  null: 'null',
};

class Explainer {
  constructor(private readonly document: ParsedDocument) {}

  /** `errors` come from validating the value at `base`. */
  explain(errors: ErrorObject[], base: Path): Diagnostic[] {
    const data = valueAt(this.document.data, base);
    const failedOneOf = errors.filter((e) => e.keyword === 'oneOf').map((e) => e.instancePath);
    // Errors of a key name (propertyName set) are explained by their propertyNames error.
    const decidedElsewhere = (e: ErrorObject) =>
      e.propertyName !== undefined ||
      (e.keyword !== 'oneOf' && failedOneOf.some((p) => e.instancePath === p || e.instancePath.startsWith(`${p}/`)));
    return errors.filter((e) => !decidedElsewhere(e)).flatMap((e) => this.explainOne(e, [...base, ...parsePointer(e.instancePath, data)]));
  }

  private explainOne(e: ErrorObject, path: Path): Diagnostic[] {
    const schema = e.parentSchema as SchemaNode;
    const value = valueAt(this.document.data, path);
    const where = displayPath(path);
    const at = (p: Path = path, part: 'value' | 'key' = 'value') => this.document.at(p, part);
    const one = (message: string, place = at()): Diagnostic[] => [{ at: place, message }];
    const params = e.params as Record<string, unknown>;

    switch (e.keyword) {
      case 'type':
        return one(`${where}: expected ${typeNoun(schema)}, got ${this.describe(path, value)}${this.fix(schema, path, value)}`);
      case 'const': {
        const unquote = typeof value === 'string' && value === String(schema.const) ? ' — write it without quotes' : '';
        return one(`${where}: expected ${JSON.stringify(schema.const)}, got ${this.describe(path, value)}${unquote}${about(schema)}`);
      }
      case 'enum': {
        const expected = (schema.enum ?? []).map(String);
        const guess = typeof value === 'string' ? didYouMean(value, expected) : undefined;
        return one(
          `${where}: expected ${quoteList(expected)}, got ${this.describe(path, value)}${guess ? ` — did you mean "${guess}"?` : ''}`,
        );
      }
      case 'required': {
        const field = String(params.missingProperty);
        return one(`${where}: missing the required field "${field}"${about(schema.properties?.[field])}`, at(path, 'key'));
      }
      case 'additionalProperties': {
        const field = String(params.additionalProperty);
        const fields = Object.keys(schema.properties ?? {});
        const guess = didYouMean(field, fields);
        const hint =
          field === '$schema'
            ? ' — name the schema for editors in a comment instead: # yaml-language-server: $schema=PATH'
            : guess
              ? ` — did you mean "${guess}"?`
              : '';
        return one(`${displayPath([...path, field])}: unknown field${hint} (expected ${quoteList(fields)})`, at([...path, field], 'key'));
      }
      case 'propertyNames': {
        const name = String(params.propertyName);
        return one(this.invalidName(path, name, this.resolve(schema.propertyNames)), at([...path, name], 'key'));
      }
      case 'pattern':
        return one(`${where}: ${JSON.stringify(value)} is not a valid ${schema.title ?? 'value'}; expected ${expectation(schema)}`);
      case 'minLength':
        return one(`${where}: must not be empty${about(schema)}`);
      case 'uniqueItems': {
        const later = [...path, Number(params.i)];
        const first = at([...path, Number(params.j)]);
        return one(
          `${displayPath(later)}: ${JSON.stringify(valueAt(value, [Number(params.i)]))} is listed twice (first at line ${first.line}, col ${first.col})`,
          at(later),
        );
      }
      case 'oneOf':
        return this.explainOneOf(schema, path, value);
      default:
        return one(`${where}: ${e.message ?? 'is not valid'}`);
    }
  }

  /**
   * A value that fits none of the alternatives: explained against the one its type and fields
   * point to (a map with fromEnv is read as the fromEnv form), not as a list of every mismatch.
   */
  private explainOneOf(schema: SchemaNode, path: Path, value: unknown): Diagnostic[] {
    const where = displayPath(path);
    const branches = schema.oneOf ?? [];
    const sameType = branches.filter((b) => typeOf(value) === b.type);
    if (sameType.length === 0) {
      const nouns = [...new Set(branches.map((b) => TYPE_NOUNS[String(b.type)] ?? String(b.type)))];
      const expected = value !== null && typeof value === 'object' ? nouns.join(' or ') : nouns[0];
      const fix = branches.map((b) => this.fix(b, path, value)).find((f) => f !== '') ?? '';
      return [{ at: this.document.at(path), message: `${where}: expected ${expected}, got ${this.describe(path, value)}${fix}` }];
    }
    if (sameType.length === 1) return this.explainAgainst(sameType[0]!, path, value);
    const chosen = sameType.filter((b) => (b.required ?? []).every((k) => Object.hasOwn(value as object, k)));
    if (chosen.length === 1) return this.explainAgainst(chosen[0]!, path, value);
    if (chosen.length > 1) {
      const keys = chosen.flatMap((b) => b.required ?? []);
      return [{ at: this.document.at(path), message: `${where}: has both ${quoteList(keys, 'and')} — use one of them` }];
    }
    const keys = sameType.flatMap((b) => b.required ?? []);
    const guess = Object.keys(value as object)
      .map((k) => didYouMean(k, keys))
      .find((k) => k !== undefined);
    return [
      {
        at: this.document.at(path),
        message: `${where}: expected the field ${quoteList(keys)}${guess ? ` — did you mean "${guess}"?` : ''}`,
      },
    ];
  }

  private explainAgainst(branch: SchemaNode, path: Path, value: unknown): Diagnostic[] {
    const validate = branchValidator(branch);
    return validate(value) ? [] : this.explain(validate.errors ?? [], path);
  }

  private invalidName(mapPath: Path, name: string, schema: SchemaNode): string {
    const suggestion = schema === load().root.$defs?.projectName ? projectNameFor(name) : undefined;
    return `${displayPath([...mapPath, name])}: not a valid ${schema.title ?? 'name'}; expected ${expectation(schema)}${suggestion ? ` — did you mean "${suggestion}"?` : ''}`;
  }

  private resolve(schema: SchemaNode | undefined): SchemaNode {
    const ref = schema?.$ref;
    return (ref ? load().root.$defs?.[ref.replace('#/$defs/', '')] : schema) ?? {};
  }

  /** How a message shows a value: its source text for scalars, never a sensitive one. */
  private describe(path: Path, value: unknown): string {
    const type = typeOf(value);
    if (type === 'object' || type === 'array') return TYPE_NOUNS[type]!;
    if (this.sensitive(path)) return `a ${type} (not shown: sensitive)`;
    if (type === 'null') {
      const source = this.document.plainSource(path) ?? 'null';
      return source === '' ? 'no value' : /^null$/i.test(source) ? 'null' : `null (${source})`;
    }
    const shown =
      type === 'string'
        ? JSON.stringify(String(value).length > 60 ? `${String(value).slice(0, 57)}...` : value)
        : (this.document.plainSource(path) ?? String(value));
    return `the ${type} ${shown}`;
  }

  /** The edit that turns what was written into what `schema` expects, where there is an obvious one. */
  private fix(schema: SchemaNode, path: Path, value: unknown): string {
    const expects = (t: string) => (Array.isArray(schema.type) ? schema.type.includes(t) : schema.type === t);
    const type = typeOf(value);
    const anyString = schema.pattern === undefined && schema.minLength === undefined;
    if (expects('string') && anyString && (type === 'number' || type === 'boolean' || type === 'null')) {
      const source = this.document.plainSource(path) ?? String(value);
      if (source === '' || source === '~') return ' — write "" for an empty value';
      return this.sensitive(path) ? ' — quote it' : ` — quote it: ${JSON.stringify(source)}`;
    }
    if (expects('array') && type === 'string') return ` — write [${JSON.stringify(value)}]`;
    if (expects('boolean') && (value === 'true' || value === 'false')) return ' — write it without quotes';
    return '';
  }

  /** Whether `path` is a `value` beside a `sensitive` that is not plainly false. */
  private sensitive(path: Path): boolean {
    const parent = valueAt(this.document.data, path.slice(0, -1));
    return (
      path.at(-1) === 'value' &&
      parent !== null &&
      typeof parent === 'object' &&
      Object.hasOwn(parent, 'sensitive') &&
      (parent as { sensitive: unknown }).sensitive !== false
    );
  }
}

function typeOf(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

function typeNoun(schema: SchemaNode): string {
  if (schema.title && schema.type === 'string') return `${/^[aeio]/i.test(schema.title) ? 'an' : 'a'} ${schema.title}`;
  const types = Array.isArray(schema.type) ? schema.type : [schema.type ?? 'string'];
  const fields = schema.properties && types.includes('object') ? ` with ${quoteList(Object.keys(schema.properties), 'and')}` : '';
  return types.map((t) => TYPE_NOUNS[t] ?? t).join(' or ') + fields;
}

function expectation(schema: SchemaNode): string {
  return lowerFirst((schema.description ?? '').replace(/\.$/, ''));
}

function about(schema: SchemaNode | undefined): string {
  return schema?.description ? ` (${expectation(schema)})` : '';
}

/** A valid project name close to `name` (`Shop_Prod` → `shop-prod`), if there is one. */
function projectNameFor(name: string): string | undefined {
  const candidate = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^[^a-z]+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return candidate && candidate !== name ? candidate : undefined;
}
