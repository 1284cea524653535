import { describe, expect, it } from 'vitest';
import { Redactor } from '../../src/util/redact.js';

const redactor = (...values: string[]): Redactor => {
  const r = new Redactor();
  for (const value of values) r.add(value);
  return r;
};

describe('Redactor.mask', () => {
  it.each([
    ['a long value, anywhere', 'k9Xq2LmP7vRt4WzY', 'tokenk9Xq2LmP7vRt4WzYend', 'token(sensitive)end'],
    ['a word-length value, alone', 'maint', 'mode maint on', 'mode (sensitive) on'],
    ['a word-length value, quoted', 'maint', 'invalid: "maint"', 'invalid: "(sensitive)"'],
    ['a word-length value in a query', 'hunter2', 'a=1&pw=hunter2&b=2', 'a=1&pw=(sensitive)&b=2'],
    ['a word-length value after a JSON escape', 'abc123x', '"line\\nabc123x"', '"line\\n(sensitive)"'],
    ['a word-length value after a \\u escape', 'abc123x', '"\\u00e9abc123x"', '"\\u00e9(sensitive)"'],
    ['a short value in double quotes', 'on', 'invalid value "on" for FLAG', 'invalid value "(sensitive)" for FLAG'],
    ['a short value in single quotes and backticks', 'x', "'x' or `x`", "'(sensitive)' or `(sensitive)`"],
    ['a short value in escaped quotes', 'on', '{\\"FLAG\\":\\"on\\"}', '{\\"FLAG\\":\\"(sensitive)\\"}'],
    ['a JSON-escaped value', 'a"b\\c\nd', JSON.stringify({ v: 'a"b\\c\nd' }), '{"v":"(sensitive)"}'],
    [
      'a value escaped twice (JSON in a JSON string)',
      'a"b\\c\nd',
      JSON.stringify(JSON.stringify({ v: 'a"b\\c\nd' })),
      '"{\\"v\\":\\"(sensitive)\\"}"',
    ],
    ['non-ASCII escaped as \\u', 'pässwörd', '{"v":"p\\u00e4ssw\\u00f6rd"}', '{"v":"(sensitive)"}'],
    ['non-ASCII escaped in upper case', 'pässwörd', '{"v":"p\\u00E4ssw\\u00F6rd"}', '{"v":"(sensitive)"}'],
    ['HTML characters escaped as Go does', '<a&b>', '{"v":"\\u003ca\\u0026b\\u003e"}', '{"v":"(sensitive)"}'],
    ['slashes escaped as PHP does', 'a/b/c/d', '{"v":"a\\/b\\/c\\/d"}', '{"v":"(sensitive)"}'],
    ['a percent-encoded value', 'p@ss w0rd/', 'pw=p%40ss%20w0rd%2F and pw=p%40ss+w0rd%2F', 'pw=(sensitive) and pw=(sensitive)'],
    ['an emoji next to a value', 'secret', '😀secret😀', '😀(sensitive)😀'],
  ])('masks %s', (_what, value, text, masked) => {
    expect(redactor(value).mask(text)).toBe(masked);
  });

  it.each([
    ['a word-length value inside a longer word', 'maint', 'project is in maintenance mode'],
    ['a word-length value glued to digits', 'false', 'false0 and 1false'],
    ['a short value unquoted', 'a', 'a project is in a state'],
    ['a short value inside a quoted word', 'on', 'invalid "one" and "done"'],
    ['a short value quoted on one side only', 'on', '"on and on"'],
  ])('leaves alone %s', (_what, value, text) => {
    expect(redactor(value).mask(text)).toBe(text);
  });

  it('masks overlapping values once, and never its own mask', () => {
    expect(redactor('abcdefgh-one', 'one-ijkl-mnop').mask('x abcdefgh-one-ijkl-mnop y')).toBe('x (sensitive) y');
    expect(redactor('sensitive', 'sens').mask('a sensitive b')).toBe('a (sensitive) b');
  });

  it('masks nothing when it knows no value, and ignores an empty one', () => {
    expect(redactor('').mask('"" and nothing')).toBe('"" and nothing');
  });
});

describe('Redactor.foundIn', () => {
  it('finds a value inside another by the rule it masks by', () => {
    const r = redactor('admin-canary-3e9b71c2', 'on', 'maint');
    expect(r.foundIn('https://hooks.example.com/in/admin-canary-3e9b71c2')).toBe(true);
    expect(r.foundIn('{"mode":"on"}')).toBe(true);
    expect(r.foundIn('on')).toBe(false);
    expect(r.foundIn('maintenance')).toBe(false);
  });
});
