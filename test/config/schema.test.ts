import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const SCHEMA_FILE = new URL('../../schema/hcr.schema.json', import.meta.url);
const schema = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as Record<string, unknown>;

type Node = Record<string, unknown>;

/** Every subschema with its JSON Pointer. */
function subschemas(node: unknown, at = '#'): [string, Node][] {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return [];
  const n = node as Node;
  const children: [string, unknown][] = [
    ...Object.entries((n.properties as Node | undefined) ?? {}).map(([k, v]): [string, unknown] => [`${at}/properties/${k}`, v]),
    ...Object.entries((n.$defs as Node | undefined) ?? {}).map(([k, v]): [string, unknown] => [`${at}/$defs/${k}`, v]),
    ...((n.oneOf as unknown[] | undefined) ?? []).map((v, i): [string, unknown] => [`${at}/oneOf/${i}`, v]),
    ...(['items', 'additionalProperties', 'propertyNames'] as const).map((k): [string, unknown] => [`${at}/${k}`, n[k]]),
  ];
  return [[at, n], ...children.flatMap(([p, v]) => subschemas(v, p))];
}

describe('schema/hcr.schema.json', () => {
  it('is a JSON Schema 2020-12 that ajv compiles in strict mode', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$id).toEqual(expect.any(String));
    expect(schema.title).toEqual(expect.any(String));
    expect(() => new Ajv2020({ strict: true, allErrors: true }).compile(schema)).not.toThrow();
  });

  it('describes every property and definition, for editors to show', () => {
    const undescribed = subschemas(schema)
      .filter(([, n]) => !(n.$ref && Object.keys(n).length === 1) && typeof n.description !== 'string')
      .map(([p]) => p);
    expect(undescribed).toEqual([]);
  });

  it('allows no unknown field in any object with fixed fields', () => {
    const open = subschemas(schema)
      .filter(([, n]) => n.properties !== undefined && n.additionalProperties !== false)
      .map(([p]) => p);
    expect(open).toEqual([]);
  });

  it('is what hcr schema prints', async () => {
    const r = await runCli(['schema']);
    expect(r).toEqual({ code: 0, stdout: readFileSync(SCHEMA_FILE, 'utf8'), stderr: '' });
  });
});
