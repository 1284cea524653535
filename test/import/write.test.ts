import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDesired } from '../../src/config/load.js';
import { parse } from 'yaml';
import { valueProblem } from '../../src/config/names.js';
import { checkedDesiredYaml, desiredYaml, type ImportedProject } from '../../src/config/write.js';
import { expectInOrder } from '../helpers/order.js';

const TENANT = '7a79cf94-0e53-4520-a560-1b02bf522f08';

/** Values YAML likes to read as something else, or that a careless writer would change. */
const EXOTIC = [
  'true',
  'False',
  'yes',
  'No',
  'on',
  'OFF',
  'y',
  'n',
  'null',
  'Null',
  '~',
  '',
  '010',
  '0o17',
  '0x1F',
  '1_000',
  '1.10',
  '1e3',
  '.inf',
  '-.Inf',
  '.nan',
  'NaN',
  '+12',
  '12:30',
  '2001-12-14',
  '2001-12-14T21:59:43.10-05:00',
  ' lead',
  'trail ',
  '  both  ',
  '\tTab',
  'a\tb',
  '#x',
  'a #b',
  'a#b',
  'a: b',
  'a:b',
  ':',
  '- x',
  '-',
  '?',
  '? x',
  '[x]',
  '{a: 1}',
  '*alias',
  '&anchor',
  '!tag',
  '%directive',
  '@at',
  '`tick',
  '|',
  '>',
  '<<',
  '=',
  "'single'",
  '"double"',
  "it's",
  'back\\slash',
  '\\n literally',
  'line1\nline2',
  'line1\nline2\n',
  'line1\nline2\n\n',
  '\nstarts with a newline',
  '  indented\nfirst line',
  'a  \nb',
  'a\n \nb',
  '\n',
  '\n\n',
  ' \n ',
  'crlf\r\nline',
  'cr\ronly',
  '\u0085next line',
  '\u2028line sep',
  '\u2029para sep',
  '\u00a0nbsp',
  '\u200bzero width',
  '\ufeffbom',
  'bell\u0007',
  'nul\u0000byte',
  'esc\u001b[0m',
  'ünïcødé',
  '日本語',
  '😀 emoji',
  'RTL \u202eevil',
  'combining e\u0301',
  'x'.repeat(300),
  `${'word '.repeat(60)}end`,
  '{"type":"HS256","key":"k"}',
  '---',
  '...',
  '--- x',
  '... x',
];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hcr-write-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Files roundTrip has written: each gets its own name. */
let written = 0;

/** Writes `env` as an imported project and loads it with hcr's own loader. */
async function roundTrip(env: Record<string, string>, sensitive: (key: string, value: string) => boolean = () => false) {
  const project: ImportedProject = { name: 'shop-prod', tenantId: TENANT, env };
  const file = desiredYaml([project], { schema: 'schema/hcr.schema.json', sensitive });
  const path = join(dir, `f${++written}.yaml`);
  await writeFile(path, file.text);
  const variables = Object.fromEntries(file.variables.map((v) => [v.variable, env[v.key]!]));
  const desired = await loadDesired([path], { cwd: dir, env: variables });
  const loaded = Object.fromEntries(Object.entries(desired.projects[0]!.env).map(([key, value]) => [key, value.value]));
  return { file, loaded };
}

describe('desiredYaml', () => {
  it('writes every exotic value so that the loader reads back exactly the same string', async () => {
    const env = Object.fromEntries(EXOTIC.map((value, i) => [`K${String(i).padStart(3, '0')}`, value]));
    const { file, loaded } = await roundTrip(env);
    // Values with a control character hcr refuses are left out (and listed), never written for the loader to refuse.
    const refused = Object.keys(env).filter((key) => valueProblem(env[key]!));
    expect(refused.map((key) => env[key])).toEqual(['\u0085next line', 'bell\u0007', 'nul\u0000byte', 'esc\u001b[0m']);
    expect(file.skipped.map((s) => s.key)).toEqual(refused);
    expect(loaded).toEqual(Object.fromEntries(Object.entries(env).filter(([key]) => !refused.includes(key))));
  });

  it('round-trips random strings built from the characters YAML treats specially', async () => {
    const alphabet = [...'ab01 \t\n\r:#-?[]{},&*!|>\'"%@`~.\\=<+_', 'ü', '😀', '\u2028', '\u00a0', '\u0085', '\u0000'];
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const env: Record<string, string> = {};
    for (let i = 0; i < 400; i++) {
      const length = Math.floor(random() * 12);
      env[`R${i}`] = Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]!).join('');
    }
    const { loaded } = await roundTrip(env);
    expect(loaded).toEqual(Object.fromEntries(Object.entries(env).filter(([, value]) => !valueProblem(value))));
  });

  it('keeps values multi-line in a block literal only where an editor could not change them', () => {
    const { text } = desiredYaml(
      [{ name: 'p', tenantId: TENANT, env: { PEM: '-----BEGIN-----\nMIIE\n-----END-----\n', TRAIL: 'a \nb' } }],
      {
        schema: 's.json',
        sensitive: () => false,
      },
    );
    expect(text).toContain('PEM: |\n        -----BEGIN-----\n        MIIE\n        -----END-----\n');
    expect(text).toContain('TRAIL: "a\\ \\nb"');
  });

  it('writes sensitive values as fromEnv and never the value; an empty value stays a plain ""', async () => {
    const env = { API_KEY: 'the-secret-value', EMPTY_SECRET: '', PLAIN: 'shown' };
    const { file, loaded } = await roundTrip(env, (key) => key !== 'PLAIN');
    expect(file.text).not.toContain('the-secret-value');
    expect(file.text).toContain('API_KEY: { fromEnv: SHOP_PROD_API_KEY }');
    expect(file.text).toContain('EMPTY_SECRET: ""');
    expect(file.variables).toEqual([{ variable: 'SHOP_PROD_API_KEY', project: 'shop-prod', key: 'API_KEY' }]);
    expect(loaded).toEqual(env);
  });

  it('escapes every invisible character hcr accepts, so none is raw in the file, and reads them back the same', async () => {
    const env = {
      BIDI: 'RTL \u202eevil',
      ZERO_WIDTH: 'a\u200bb\u2060c',
      SEPARATORS: 'a\u2028b\u2029c',
      PRIVATE_USE: 'a\ue000b',
      ODD_SPACES: 'a\u3000b\u00a0c',
      ASTRAL_FORMAT: 'tag\u{e0041}',
      LONE_SURROGATE: 'a\ud800b',
    };
    const { file, loaded } = await roundTrip(env);
    expect(file.skipped).toEqual([]);
    expect(loaded).toEqual(env);
    expect(file.text).not.toMatch(/[^\P{C}\n]|[\p{Zl}\p{Zp}]|[^\P{Zs} ]/u);
    expect(file.text).toContain('BIDI: "RTL \\u202eevil"');
  });

  it('leaves out, with the reason, a project whose name or tenant a file cannot hold, and shortens long keys in its comment', async () => {
    const long = `K${'x'.repeat(9_999)}-`;
    const projects: ImportedProject[] = [
      { name: 'Bad Name', tenantId: TENANT, env: { A: '1' } },
      { name: 'odd-tenant', tenantId: 'tenant-1', env: { A: '1' } },
      { name: 'good', tenantId: TENANT, env: { A: '1', [long]: 'v' } },
    ];
    const file = await checkedDesiredYaml(projects, { schema: 's.json', sensitive: () => false }, 'out.yaml');
    expect(file.problems).toEqual([]);
    expect(file.skipped.map(({ project, key }) => [project, key?.length])).toEqual([
      ['Bad Name', undefined],
      ['good', 10_001],
      ['odd-tenant', undefined],
    ]);
    expect(file.skipped[0]!.reason).toMatch(/^"Bad Name" is not a valid project name/);
    expect(file.skipped[2]!.reason).toMatch(/tenantId/);
    expect(file.text).toContain(`# Not imported (left alone): "K${'x'.repeat(63)}… (10001 characters)"`);
    expect(Object.keys(parse(file.text).projects)).toEqual(['good']);
  });

  it('says, rather than writes, a file too large for hcr to read', async () => {
    const env = Object.fromEntries(Array.from({ length: 2_000 }, (_, i) => [`K${i}`, 'v'.repeat(3_000)]));
    const file = await checkedDesiredYaml(
      [{ name: 'big', tenantId: TENANT, env }],
      { schema: 's.json', sensitive: () => false },
      'out.yaml',
    );
    expect(file.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/^the file is 5\.\d MiB; hcr reads such files of at most 5 MiB/),
    ]);
  });

  it('skips a value with a character hcr refuses, even one it would read from the environment', () => {
    const env = { DEL: 'a\u007fb', C1: 'a\u0090b', DEL_SECRET: 'x\u007fy' };
    const { text, skipped } = desiredYaml([{ name: 'p', tenantId: TENANT, env }], {
      schema: 's.json',
      sensitive: (key) => key === 'DEL_SECRET',
    });
    expect(skipped.map((s) => s.key)).toEqual(['C1', 'DEL', 'DEL_SECRET']);
    expect(text).not.toContain('{ fromEnv');
    expect(text).not.toMatch(/[\u007f\u0090]/);
  });

  it('is the same text for the same input, projects and keys sorted', () => {
    const projects: ImportedProject[] = [
      { name: 'b', tenantId: TENANT, env: { Z: '1', A: '2' } },
      { name: 'a', tenantId: TENANT.replace('7', '8'), env: {} },
    ];
    const options = { schema: 's.json', sensitive: () => false };
    const { text } = desiredYaml(projects, options);
    expect(desiredYaml([...projects].reverse(), options).text).toBe(text);
    expectInOrder(text, ['  a:', '  b:', 'A: "2"', 'Z: "1"']);
  });
});
