import { describe, expect, it } from 'vitest';
import { ValidationError, formatDiagnostics } from '../../src/config/diagnostics.js';
import type { Diagnostic } from '../../src/config/types.js';
import { UserError } from '../../src/errors.js';

const diagnostics: Diagnostic[] = [
  { at: { file: 'b.yaml', line: 2, col: 1 }, message: 'second file' },
  { at: { file: 'a.yaml', line: 10, col: 3 }, message: 'line ten' },
  { message: '--project "x" matches no declared project' },
  { at: { file: 'a.yaml', line: 2, col: 9 }, message: 'line two, col nine' },
  { at: { file: 'a.yaml', line: 2, col: 5 }, message: 'line two, col five' },
];

describe('formatDiagnostics', () => {
  it('prints one line per problem, placeless first, then by file, line and column, then a count', () => {
    expect(formatDiagnostics(diagnostics, { githubActions: false })).toBe(
      [
        '--project "x" matches no declared project',
        'a.yaml:2:5: line two, col five',
        'a.yaml:2:9: line two, col nine',
        'a.yaml:10:3: line ten',
        'b.yaml:2:1: second file',
        '5 problems in 2 files',
        '',
      ].join('\n'),
    );
  });

  it.each([
    [[{ at: { file: 'a.yaml', line: 1, col: 1 }, message: 'm' }], '1 problem in 1 file'],
    [[{ message: 'm' }], '1 problem'],
    [[{ message: 'm' }, { message: 'n' }], '2 problems'],
  ])('counts %j as %s', (list, count) => {
    expect(formatDiagnostics(list, { githubActions: false }).trimEnd().split('\n').at(-1)).toBe(count);
  });

  it('adds a GitHub Actions annotation per problem, escaped as workflow commands require', () => {
    const text = formatDiagnostics(
      [
        { at: { file: 'envs/a,b:c.yaml', line: 3, col: 7 }, message: 'expected 100% a string\r\nsecond line' },
        { message: 'no place: a, b' },
      ],
      { githubActions: true },
    );
    expect(text.split('\n')).toEqual([
      'no place: a, b',
      'envs/a,b:c.yaml:3:7: expected 100% a string\r',
      'second line',
      '::error::no place: a, b',
      '::error file=envs/a%2Cb%3Ac.yaml,line=3,col=7::expected 100%25 a string%0D%0Asecond line',
      '2 problems in 1 file',
      '',
    ]);
  });
});

describe('the findings of checks', () => {
  const findings: Diagnostic[] = [
    { at: { file: 'a.yaml', line: 4, col: 7 }, message: 'shop: KEY: is ignored', severity: 'warning', rule: 'hasura/unknown-name' },
    { at: { file: 'a.yaml', line: 2, col: 7 }, message: 'shop: DEV: "1" is not a boolean', severity: 'error', rule: 'hasura/bool' },
    { at: { file: 'a.yaml', line: 6, col: 7 }, message: 'shop: OLD: is deprecated', severity: 'info', rule: 'hasura/deprecated' },
  ];

  it('say their level and rule, and are counted by level', () => {
    expect(formatDiagnostics(findings, { githubActions: false }).split('\n')).toEqual([
      'a.yaml:2:7: error[hasura/bool]: shop: DEV: "1" is not a boolean',
      'a.yaml:4:7: warning[hasura/unknown-name]: shop: KEY: is ignored',
      'a.yaml:6:7: info[hasura/deprecated]: shop: OLD: is deprecated',
      '1 problem, 1 warning and 1 note in 1 file',
      '',
    ]);
    expect(formatDiagnostics(findings.slice(0, 1), { githubActions: false }).trimEnd().split('\n').at(-1)).toBe('1 warning in 1 file');
  });

  it('become ::error and ::warning annotations titled with the rule; notes stay in the log', () => {
    expect(
      formatDiagnostics(findings, { githubActions: true })
        .split('\n')
        .filter((l) => l.startsWith('::')),
    ).toEqual([
      '::error file=a.yaml,line=2,col=7,title=hasura/bool::shop: DEV: "1" is not a boolean',
      '::warning file=a.yaml,line=4,col=7,title=hasura/unknown-name::shop: KEY: is ignored',
    ]);
  });
});

describe('ValidationError', () => {
  it('is a user error whose message is the formatted problems', () => {
    const err = new ValidationError(diagnostics);
    expect(err).toBeInstanceOf(UserError);
    expect(err.kind).toBe('input');
    expect(err.diagnostics).toBe(diagnostics);
    expect(err.message).toBe(formatDiagnostics(diagnostics, { githubActions: false }).trimEnd());
  });
});
