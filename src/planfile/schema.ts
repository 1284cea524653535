import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { displayPath, parsePointer, valueAt, type Path } from '../config/path.js';
import { packageFile } from '../paths.js';

export const PLAN_SCHEMA_FILE = packageFile('schema/hcr.plan.schema.json');

/** The schema's validator, compiled by `npm run build` (and before tests); see scripts/compile-schema.ts. */
export const PLAN_VALIDATOR_FILE = packageFile('generated/hcr.plan.schema.validate.cjs');

/**
 * The schema's own keyword: what hcr says when the part of the schema that holds it fails, for
 * rules that tie one field to another (`a project to delete has no key changes`).
 */
export const MESSAGE_KEYWORD = 'x-message';

/** A structural problem at a place in the file; readSavedPlan turns it into a UserError. */
export class Malformed extends Error {}

export function malformed(path: Path, what: string): never {
  throw new Malformed(`${path.length === 0 ? '(top level)' : displayPath(path)}: ${what}`);
}

interface PlanSchemaNode {
  title?: string;
  type?: string;
  const?: unknown;
  enum?: unknown[];
  [MESSAGE_KEYWORD]?: string;
}

let validate: ValidateFunction | undefined;

/**
 * Checks `data` against schema/hcr.plan.schema.json, and throws Malformed naming the first place
 * that breaks it and what was expected there. A message shows what was found only where it cannot
 * be a value from the file: a number, true, false, null, an empty list or object, or a word where
 * the schema allows only certain words (an action).
 */
export function checkStructure(data: unknown): void {
  validate ??= (createRequire(PLAN_VALIDATOR_FILE)(fileURLToPath(PLAN_VALIDATOR_FILE)) as Record<string, ValidateFunction>)['#']!;
  if (validate(data)) return;
  const errors = validate.errors ?? [];
  // An `if` fails with its `then`, whose own errors say what is wrong.
  explain(errors.find((e) => e.keyword !== 'if') ?? errors[0]!, data);
}

function explain(e: ErrorObject, data: unknown): never {
  const path = parsePointer(e.instancePath, data);
  const node = (e.parentSchema ?? {}) as PlanSchemaNode;
  const value = valueAt(data, path);
  const params = e.params as Record<string, unknown>;
  const message = node[MESSAGE_KEYWORD];
  if (message !== undefined) return malformed(path, message);
  switch (e.keyword) {
    case 'required':
    case 'dependentRequired':
      return malformed(path, `missing field ${JSON.stringify(params.missingProperty)}`);
    case 'additionalProperties':
      return malformed(path, `unexpected field ${JSON.stringify(params.additionalProperty)}`);
    case 'false schema':
      // A field the schema allows elsewhere, but not beside the others (a `before` of an added key).
      return malformed(path.slice(0, -1), `unexpected field ${JSON.stringify(path.at(-1))}`);
    case 'type':
    case 'minimum':
      return malformed(path, `expected ${expected(node)}, found ${found(value, false)}`);
    case 'minLength':
    case 'pattern':
      return malformed(path, `expected ${expected(node)}`);
    case 'const':
      return malformed(path, `expected ${JSON.stringify(node.const)}, found ${found(value, true)}`);
    case 'enum':
      return malformed(path, `expected one of ${(node.enum ?? []).map((v) => JSON.stringify(v)).join(', ')}, found ${found(value, true)}`);
    default:
      return malformed(path, e.message ?? 'is not valid');
  }
}

const TYPE_NOUNS: Record<string, string> = {
  string: 'a string',
  boolean: 'true or false',
  integer: 'a whole number',
  array: 'a list',
  object: 'an object',
};

function expected(node: PlanSchemaNode): string {
  return node.title ?? TYPE_NOUNS[node.type ?? ''] ?? 'something else';
}

/** What was found, shown only where it cannot be a value of the file: `42`, `{}`, `a string`. */
function found(value: unknown, word: boolean): string {
  if (value === undefined) return 'nothing';
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'string') return word ? shortQuote(value) : 'a string';
  if (Array.isArray(value)) return value.length === 0 ? '[]' : 'a list';
  return Object.keys(value).length === 0 ? '{}' : 'an object';
}

/** A string in quotes, cut at 40 characters. */
export function shortQuote(text: string): string {
  const json = JSON.stringify(text);
  return json.length > 40 ? `${json.slice(0, 40)}…` : json;
}
