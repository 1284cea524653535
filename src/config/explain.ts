import type { ErrorObject } from 'ajv';
import type { ParsedDocument } from './document.js';
import { valueProblem } from './names.js';
import { displayPath, parsePointer, valueAt, type Path } from './path.js';
import { branchValidator, ROOT, schemaRoot, validator, type SchemaNode } from './schema.js';
import type { Diagnostic } from './types.js';
import type { Broken } from './usable.js';
import { didYouMean, quoteList, lowerFirst } from '../util/words.js';
import { isRecord } from '../util/records.js';

export interface SchemaCheck {
  /** Every way the document breaks the schema, each at its place with what was expected. */
  diagnostics: Diagnostic[];
  /** Where it breaks it. */
  broken: Broken;
}

export function checkSchema(document: ParsedDocument): SchemaCheck {
  const validate = validator(ROOT);
  if (validate(document.data)) return { diagnostics: [], broken: { values: [], names: [] } };
  const errors = validate.errors ?? [];
  const broken: Broken = { values: [], names: [] };
  for (const e of errors) {
    const path = parsePointer(e.instancePath, document.data);
    if (e.propertyName === undefined) broken.values.push(path);
    else broken.names.push([...path, e.propertyName]);
  }
  return { diagnostics: new Explainer(document).explain(errors, []), broken };
}

/** How many known fields a message about an unknown one lists. */
const MAX_LISTED_FIELDS = 12;

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
  /**
   * Whether messages may quote the file's values: only when it looks like a desired-state file (a
   * map with `version`, `projects` or `defaults`). A file given by mistake — a .env, a key, someone's
   * credentials — is all secrets as far as hcr knows, so of such a file messages name places and
   * types, never content.
   */
  private readonly quotable: boolean;

  constructor(private readonly document: ParsedDocument) {
    const data = document.data;
    this.quotable = isRecord(data) && ['version', 'projects', 'defaults'].some((field) => Object.hasOwn(data, field));
  }

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
      case 'type': {
        const notThisFile = path.length === 0 ? ' — is this a desired-state file?' : '';
        return one(
          `${where}: expected ${typeNoun(schema)}, got ${this.describe(path, value)}${this.fix(schema, path, value)}${notThisFile}`,
        );
      }
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
        // A long list (the rule ids of checks) helps less than the suggestion; `hcr schema` has it.
        const expected = fields.length <= MAX_LISTED_FIELDS ? quoteList(fields) : `one of ${fields.length}, which hcr schema lists`;
        return one(`${displayPath([...path, field])}: unknown field${hint} (expected ${expected})`, at([...path, field], 'key'));
      }
      case 'propertyNames': {
        const name = String(params.propertyName);
        return one(this.invalidName(path, name, this.resolve(schema.propertyNames)), at([...path, name], 'key'));
      }
      case 'pattern':
      case 'maxLength': {
        if (isEnvText(schema) && typeof value === 'string') return one(`${where}: ${valueProblem(value)}`);
        const length = e.keyword === 'maxLength' ? ` (${String(value).length} characters)` : '';
        return one(
          `${where}: ${this.quote(path, value)}${length} is not a valid ${schema.title ?? 'value'}; expected ${expectation(schema)}`,
        );
      }
      case 'minLength':
        return one(`${where}: must not be empty${about(schema)}`);
      case 'uniqueItems': {
        const later = [...path, Number(params.i)];
        const first = at([...path, Number(params.j)]);
        return one(
          `${displayPath(later)}: ${this.quote(later, valueAt(value, [Number(params.i)]))} is listed twice (first at line ${first.line}, col ${first.col})`,
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
    const branches = (schema.oneOf ?? []).map((b) => (b.$ref ? { ...this.resolve(b), ...b } : b));
    const sameType = branches.filter((b) => typeOf(value) === b.type);
    if (sameType.length === 0) {
      const nouns = [...new Set(branches.map((b) => TYPE_NOUNS[String(b.type)] ?? String(b.type)))];
      const expected = value !== null && typeof value === 'object' ? nouns.join(' or ') : nouns[0];
      const fix = branches.map((b) => this.fix(b, path, value)).find((f) => f !== '') ?? '';
      return [{ at: this.document.at(path), message: `${where}: expected ${expected}, got ${this.describe(path, value)}${fix}` }];
    }
    if (sameType.length === 1) return this.explainAgainst(schema.oneOf![branches.indexOf(sameType[0]!)]!, path, value);
    const chosen = sameType.filter((b) => (b.required ?? []).every((k) => Object.hasOwn(value as object, k)));
    if (chosen.length === 1) return this.explainAgainst(schema.oneOf![branches.indexOf(chosen[0]!)]!, path, value);
    if (chosen.length > 1) {
      const keys = chosen.flatMap((b) => b.required ?? []);
      return [{ at: this.document.at(path), message: `${where}: has both ${quoteList(keys, 'and')} — use one of them` }];
    }
    // No alternative's required field is there: a misspelt field is the likely cause, named where it is.
    const keys = sameType.flatMap((b) => b.required ?? []);
    const fields = [...new Set(sameType.flatMap((b) => Object.keys(b.properties ?? {})))];
    const unknown = Object.keys(value as object).filter((k) => !fields.includes(k));
    const forms = sameType.map((b) => `{${Object.keys(b.properties ?? {}).join(', ')}}`).join(' or ');
    if (unknown.length === 0) {
      return [{ at: this.document.at(path), message: `${where}: missing the field ${quoteList(keys)} (a value is ${forms})` }];
    }
    return unknown.map((field) => {
      const guess = didYouMean(field, fields);
      return {
        at: this.document.at([...path, field], 'key'),
        message: `${displayPath([...path, field])}: unknown field${guess ? ` — did you mean "${guess}"?` : ''} (a value is ${forms})`,
      };
    });
  }

  private explainAgainst(branch: SchemaNode, path: Path, value: unknown): Diagnostic[] {
    const validate = branchValidator(branch);
    return validate(value) ? [] : this.explain(validate.errors ?? [], path);
  }

  private invalidName(mapPath: Path, name: string, schema: SchemaNode): string {
    const suggestion = schema === schemaRoot().$defs?.projectName ? projectNameFor(name) : undefined;
    return `${displayPath([...mapPath, name])}: not a valid ${schema.title ?? 'name'}; expected ${expectation(schema)}${suggestion ? ` — did you mean "${suggestion}"?` : ''}`;
  }

  private resolve(schema: SchemaNode | undefined): SchemaNode {
    const ref = schema?.$ref;
    return (ref ? schemaRoot().$defs?.[ref.replace('#/$defs/', '')] : schema) ?? {};
  }

  /** How a message shows a value: its source text for scalars, never a sensitive one, nothing of a file given by mistake. */
  private describe(path: Path, value: unknown): string {
    const type = typeOf(value);
    if (type === 'object' || type === 'array') return TYPE_NOUNS[type]!;
    if (this.sensitive(path)) return `a ${type} (not shown: sensitive)`;
    if (!this.quotable && type !== 'null') return `a ${type} (not shown)`;
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

  /** A value quoted in a message, where that is safe (see describe); `the value` where it is not. */
  private quote(path: Path, value: unknown): string {
    if (!this.quotable || this.sensitive(path)) return 'the value (not shown)';
    const text = JSON.stringify(value) ?? String(value);
    return text.length > 80 ? `${text.slice(0, 60)}…` : text;
  }

  /** The edit that turns what was written into what `schema` expects, where there is an obvious one. */
  private fix(schema: SchemaNode, path: Path, value: unknown): string {
    const expects = (t: string) => (Array.isArray(schema.type) ? schema.type.includes(t) : schema.type === t);
    const type = typeOf(value);
    const anyString = (schema.pattern === undefined || isEnvText(schema)) && schema.minLength === undefined;
    if (expects('string') && anyString && (type === 'number' || type === 'boolean' || type === 'null')) {
      const source = this.document.plainSource(path) ?? String(value);
      if (source === '' || source === '~') return ' — write "" for an empty value';
      return this.sensitive(path) || !this.quotable ? ' — quote it' : ` — quote it: ${JSON.stringify(source)}`;
    }
    if (expects('array') && type === 'string') return this.quotable ? ` — write [${JSON.stringify(value)}]` : ' — write it as a list';
    if (expects('boolean') && (value === 'true' || value === 'false')) return ' — write it without quotes';
    return '';
  }

  /** Whether `path` is a `value` beside a `sensitive` that is not plainly false. */
  private sensitive(path: Path): boolean {
    const parent = valueAt(this.document.data, path.slice(0, -1));
    return path.at(-1) === 'value' && isRecord(parent) && Object.hasOwn(parent, 'sensitive') && parent.sensitive !== false;
  }
}

/** The schema's rule for every value (`$defs/envText`), as ajv's copy of it comes with an error. */
function isEnvText(schema: SchemaNode): boolean {
  return schema.title === schemaRoot().$defs?.envText?.title && schema.pattern === schemaRoot().$defs?.envText?.pattern;
}

function typeOf(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

function typeNoun(schema: SchemaNode): string {
  if (isEnvText(schema)) return 'a string';
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
