import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { ValidateFunction } from 'ajv';
import { pointer, type Path } from './path.js';
import { packageFile } from '../paths.js';

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
  maxLength?: number;
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

/** The schema file, read once. */
export function schemaRoot(): SchemaNode {
  return load().root;
}

function load(): Loaded {
  if (!loaded) {
    const text = readFileSync(SCHEMA_FILE, 'utf8');
    loaded = { text, root: JSON.parse(text) as SchemaNode };
  }
  return loaded;
}

export function validator(pointer: string): ValidateFunction {
  validators ??= createRequire(VALIDATORS_FILE)(fileURLToPath(VALIDATORS_FILE)) as Record<string, ValidateFunction>;
  return validators[pointer]!;
}

/**
 * The validator of one alternative of a oneOf. ajv's errors carry copies of the schema compiled
 * into the validators, not the nodes of the schema file, so the branch is found by its content.
 */
export function branchValidator(branch: SchemaNode): ValidateFunction {
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
