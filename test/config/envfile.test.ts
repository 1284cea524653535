import { describe, expect, it } from 'vitest';
import { parseEnvFile } from '../../src/config/envfile.js';

const parse = (text: string) => parseEnvFile(text, 'preview.env');
const values = (text: string) => {
  const { env, diagnostics } = parse(text);
  expect(diagnostics).toEqual([]);
  return Object.fromEntries(env);
};

describe('parseEnvFile', () => {
  it.each([
    ['A=1', { A: '1' }],
    ['  A = spaced out  ', { A: 'spaced out' }],
    ['export A=1', { A: '1' }],
    ['A=', { A: '' }],
    ['A=b=c', { A: 'b=c' }],
    ['A=b#c', { A: 'b#c' }],
    ['COLOR=#fff', { COLOR: '#fff' }],
    ['A=value # a comment', { A: 'value' }],
    ['A= # only a comment', { A: '' }],
    ["A='  kept as $written\\n # too '", { A: '  kept as $written\\n # too ' }],
    ['A="line\\nbreak \\"quoted\\" back\\\\slash\\ttab"', { A: 'line\nbreak "quoted" back\\slash\ttab' }],
    ['A="x" # comment', { A: 'x' }],
    ['A="it\'s"', { A: "it's" }],
    ['A="${HOME}"', { A: '${HOME}' }],
    ['A=postgres://u:p@h/db?ssl=on', { A: 'postgres://u:p@h/db?ssl=on' }],
  ])('reads %j', (text, expected) => {
    expect(values(text)).toEqual(expected);
  });

  it('skips blank lines and comments, accepts CRLF and a byte-order mark, and keeps the order', () => {
    expect(Object.entries(values('\uFEFF# preview settings\r\n\r\nB=2\r\n   # indented comment\r\nA=1\r\n'))).toEqual([
      ['B', '2'],
      ['A', '1'],
    ]);
  });

  it('reports every problem at its line and column, never repeating the line', () => {
    const secret = 'hunter2-canary';
    const text = [
      'GOOD=1',
      secret,
      `postgres://u:${secret}@h/db?ssl=on`,
      '1BAD=x',
      `OPEN="${secret}`,
      `SINGLE='${secret}`,
      `ESC="a\\qb"`,
      `TRAIL="${secret}"x`,
      'GOOD=2',
      '  export   DUP=3',
    ].join('\n');
    const { env, diagnostics } = parse(text);
    expect(diagnostics).toEqual([
      { at: { file: 'preview.env', line: 2, col: 1 }, message: 'expected KEY=VALUE (the line is not shown: it may be a value)' },
      {
        at: { file: 'preview.env', line: 3, col: 1 },
        message: expect.stringMatching(
          /^the key is not a valid key name \(not shown: it may be a value\); expected an environment variable name/,
        ),
      },
      { at: { file: 'preview.env', line: 4, col: 1 }, message: expect.stringMatching(/^the key is not a valid key name/) },
      {
        at: { file: 'preview.env', line: 5, col: 6 },
        message: expect.stringMatching(/^OPEN: the double quote that starts the value is never closed on this line/),
      },
      {
        at: { file: 'preview.env', line: 6, col: 8 },
        message: expect.stringMatching(/^SINGLE: the single quote that starts the value is never closed/),
      },
      { at: { file: 'preview.env', line: 7, col: 7 }, message: expect.stringMatching(/^ESC: unknown escape in a double-quoted value/) },
      { at: { file: 'preview.env', line: 8, col: 23 }, message: 'TRAIL: unexpected text after the closing quote' },
      { at: { file: 'preview.env', line: 9, col: 1 }, message: 'GOOD is set again (first at line 1); give each key once' },
    ]);
    expect(JSON.stringify(diagnostics)).not.toContain(secret);
    expect(Object.fromEntries(env)).toEqual({ GOOD: '1', DUP: '3' });
  });
});
