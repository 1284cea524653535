import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ONE_COLUMN } from '../scripts/build.js';

const NODE_MODULES = new URL('../node_modules/', import.meta.url).pathname;

/** Every installed copy of string-width: the bundle gives each of them the same stand-in. */
function stringWidthCopies(): string[] {
  const dirs = [NODE_MODULES];
  for (const name of readdirSync(NODE_MODULES)) {
    const scoped = name.startsWith('@') ? readdirSync(join(NODE_MODULES, name)).map((n) => join(name, n)) : [name];
    for (const pkg of scoped) dirs.push(join(NODE_MODULES, pkg, 'node_modules'));
  }
  return dirs.map((dir) => join(dir, 'string-width')).filter((dir) => existsSync(join(dir, 'package.json')));
}

const oneColumn: string[] = [];
for (let code = 0; code <= 0xffff; code++) {
  const char = String.fromCharCode(code);
  if (ONE_COLUMN.test(char)) oneColumn.push(char);
}

describe('the bundle’s string-width stand-in', () => {
  const copies = stringWidthCopies();

  it('finds the copies yargs, cliui and wrap-ansi use', () => {
    expect(copies.length).toBeGreaterThanOrEqual(1);
    expect(oneColumn.length).toBeGreaterThan(400);
  });

  it.each(copies.map((dir) => [dir.slice(NODE_MODULES.length)]))(
    'answers as %s does: one column for every character it takes a text’s length for',
    async (dir) => {
      const { default: stringWidth } = (await import(pathToFileURL(join(NODE_MODULES, dir, 'index.js')).href)) as {
        default: (text: string) => number;
      };
      const wider = oneColumn.filter((char) => stringWidth(`a${char}b`) !== 3);
      expect(wider.map((char) => `U+${char.charCodeAt(0).toString(16).toUpperCase()}`)).toEqual([]);
    },
  );

  it('leaves wide, zero-width, emoji and control characters to string-width', () => {
    for (const char of ['漢', '✓', '❌', '⚠', '©', '\u00AD', '\u200B', '\u0301', '\n', '\t', '\x1B'])
      expect(ONE_COLUMN.test(char)).toBe(false);
  });
});
