import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ParsedDocument } from '../../src/config/document.js';
import type { Path } from '../../src/config/path.js';
import { parsePlainYaml } from '../../src/config/plain-yaml.js';
import { parseYaml } from '../../src/config/yaml-document.js';
import { seededRandom } from '../reliability/harness.js';
import { generatedDocument } from './yaml-generator.js';

/**
 * The fast reader must give exactly what the `yaml` package gives (the same data, the same place
 * for every value and key, the same source for every plain scalar) or give nothing, so that the
 * `yaml` package reads the file. Held to that on every YAML file of the repository, the whole
 * bad-input corpus, and seeded generated documents of every style.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function yamlFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.ya?ml$/.test(entry.name))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)))
    .sort();
}

/** Every path of a value: itself, what is in it, and one missing key below each map (answered by its closest place). */
function paths(value: unknown, path: Path = []): Path[] {
  if (Array.isArray(value)) return [path, ...value.flatMap((v, i) => paths(v, [...path, i]))];
  if (value !== null && typeof value === 'object') {
    return [path, [...path, 'no such key'], ...Object.entries(value).flatMap(([k, v]) => paths(v, [...path, k]))];
  }
  return [path];
}

/** Reads `text` both ways; when the fast reader gives an answer, it must be the `yaml` package's. Says which reader read it. */
function readBothWays(text: string): 'fast' | 'yaml' {
  const fast = parsePlainYaml(text);
  if (!fast) return 'yaml';
  const slow = parseYaml(text, 'file.yaml');
  expect('diagnostics' in slow ? slow.diagnostics : slow.problems, `the fast reader read a file with a problem:\n${text}`).toEqual([]);
  if ('diagnostics' in slow) return 'fast';
  expect(fast.data, text).toStrictEqual(slow.data);
  const a = new ParsedDocument('file.yaml', fast.data, fast.places, fast.lines, text);
  const b = new ParsedDocument('file.yaml', slow.data, slow.places, slow.lines, text);
  for (const path of paths(slow.data)) {
    const where = `${JSON.stringify(path)} in\n${text}`;
    expect(a.at(path), where).toEqual(b.at(path));
    expect(a.at(path, 'key'), where).toEqual(b.at(path, 'key'));
    expect(a.plainSource(path), where).toBe(b.plainSource(path));
  }
  return 'fast';
}

describe('the fast YAML reader', () => {
  it('reads every example itself, as the yaml package does', () => {
    const examples = yamlFiles('examples').filter((file) => !/github-actions|gitlab-ci/.test(file));
    expect(examples.length).toBeGreaterThan(5);
    expect(examples.filter((file) => readBothWays(readFileSync(join(ROOT, file), 'utf8')) !== 'fast')).toEqual([]);
  });

  it('gives the same answer, or none, on every YAML file in the tests (the whole bad-input corpus among them)', () => {
    const files = yamlFiles('test/fixtures');
    expect(files.filter((f) => f.startsWith('test/fixtures/bad/')).length).toBeGreaterThan(20);
    for (const file of files) readBothWays(readFileSync(join(ROOT, file), 'utf8'));
  });

  it('gives the same answer, or none, on 3000 generated documents of every style, and reads a good share itself', () => {
    const random = seededRandom(20261202);
    const counts = { fast: 0, yaml: 0 };
    for (let i = 0; i < 3000; i++) counts[readBothWays(generatedDocument(random))]++;
    expect(counts.fast).toBeGreaterThan(600);
    expect(counts.yaml).toBeGreaterThan(600);
  });

  it.each([
    [
      'quoted scalars and escapes',
      'a: "tab\\there \\"q\\" \\\\ \\/ \\u00e9 \\x41 \\U0001F600 \\0 \\e \\N \\_ \\L \\P \\ end"\nb: \'it\'\'s # not a comment\'\n',
    ],
    [
      'comments and blank lines everywhere',
      '# head\n\nversion: 1 # one\nprojects: # all\n  # first\n\n  shop:    # the shop\n    env:\n      A:   b c   # spaced\n',
    ],
    [
      'flow maps and lists',
      'env:\n  S: { fromEnv: S_VAR }\n  T: {value: "x", sensitive: false}\nignore: ["PG_*", PLAIN, \'q\']\nempty: {}\nnone: []\n',
    ],
    ['URLs, colons and hashes inside plain scalars', 'a: https://x.example.com:8080/p?q=1#frag\nb: a#b\nc: { u: http://h:1/x }\n'],
    [
      'a list of scalars, unicode, and deeper indents',
      'list:\n    - one\n    - "two"\n    - café 日本 😀\nkeys:\n   deep:\n        deeper: ok\n',
    ],
  ])('reads %s itself, as the yaml package does', (_name, text) => {
    expect(readBothWays(text)).toBe('fast');
  });

  it.each([
    ['a decimal with a leading zero', 'a: 010\n'],
    ['null', 'a: ~\n'],
    ['an octal', 'a: 0o10\n'],
    ['a float', 'a: .inf\n'],
    ['an empty value', 'a:\nb: c\n'],
    ['an anchor and an alias', 'a: &x v\nb: *x\n'],
    ['a merge key', 'd: { k: v }\na:\n  <<: {}\n'],
    ['a block scalar', 'a: |\n  text\n'],
    ['a multi-line plain scalar', 'a: one\n  two\n'],
    ['a tab', 'a:\tb\n'],
    ['a carriage return', 'a: b\r\n'],
    ['a duplicate key', 'a: b\na: c\n'],
    ['a second document', 'a: b\n---\nc: d\n'],
    ['a directive', '%YAML 1.1\n---\na: b\n'],
    ['a list at its key’s indentation', 'a:\n- b\n'],
    ['a key longer than yaml allows', `${'k'.repeat(1100)}: v\n`],
  ])('leaves %s to the yaml package', (_name, text) => {
    expect(parsePlainYaml(text)).toBeUndefined();
  });
});
