import { describe, expect, it } from 'vitest';
import { isJsonPath, isStringOrUri, parseBool, parseDouble, parseInteger, parseJson, splitList } from '../../src/hasura/values.js';

describe('parseBool (ENV FromEnv Bool)', () => {
  it.each(['true', 'TRUE', 'True', 't', 'T', 'yes', 'Yes', 'YES', 'y', 'Y'])('reads %j as true', (text) => {
    expect(parseBool(text)).toBe(true);
  });
  it.each(['false', 'FALSE', 'False', 'f', 'F', 'no', 'No', 'n', 'N'])('reads %j as false', (text) => {
    expect(parseBool(text)).toBe(false);
  });
  it.each(['1', '0', 'on', 'off', '', ' true', 'true ', 'yes!', 'enabled', 'nope'])('refuses %j, as the engine does', (text) => {
    expect(parseBool(text)).toBeUndefined();
  });
});

describe('parseInteger (Haskell read of Int)', () => {
  it.each([
    ['1000', 1000n],
    ['0', 0n],
    ['-5', -5n],
    [' 42 ', 42n],
    ['0x1F', 31n],
    ['0o17', 15n],
    ['(7)', 7n],
    ['( -7 )', -7n],
    ['007', 7n],
  ])('reads %j', (text, n) => {
    expect(parseInteger(text)).toBe(n);
  });
  it.each(['', '1e3', '1.5', '+5', '10s', '1_000', '1,000', 'ten', '-', '(5', '0x', '0b101'])('refuses %j', (text) => {
    expect(parseInteger(text)).toBeUndefined();
  });
});

describe('parseDouble (Haskell read of Double)', () => {
  it.each([
    ['600', 600],
    ['2.5', 2.5],
    ['1e3', 1000],
    ['1.5e-3', 0.0015],
    ['-1', -1],
    ['0x10', 16],
    ['Infinity', Infinity],
  ])('reads %j', (text, n) => {
    expect(parseDouble(text)).toBe(n);
  });
  it.each(['', '.5', '5.', '+1', '1s', 'inf', 'nan'])('refuses %j', (text) => {
    expect(parseDouble(text)).toBeUndefined();
  });
});

describe('splitList', () => {
  it('splits on commas and trims each item; an empty text is one empty item', () => {
    expect(splitList(' graphql , metadata')).toEqual(['graphql', 'metadata']);
    expect(splitList('graphql,')).toEqual(['graphql', '']);
    expect(splitList('')).toEqual(['']);
  });
});

describe('parseJson', () => {
  it('reads strict JSON', () => {
    expect(parseJson('{"a":[1,"b"]}')).toEqual({ json: { a: [1, 'b'] } });
    expect(parseJson(' "x" ')).toEqual({ json: 'x' });
  });
  it.each([
    ['', /is empty/],
    ['{"key": "-----BEGIN\nMIIB"}', /raw line break/],
    ["{'type': 'HS256'}", /single quotes/],
    ['{"type": "HS256",}', /trailing comma/],
    ['{type: "HS256"}', /keys are not quoted/],
    ['{"a" 1}', /^is not valid JSON$/],
  ])('explains %j without quoting it', (text, why) => {
    const result = parseJson(text);
    expect('problem' in result && result.problem).toMatch(why);
  });
});

describe('isJsonPath (Hasura parseJSONPath)', () => {
  it.each(['$.hasura.claims', 'hasura', '$.a[0].b', "$['https://hasura.io/jwt/claims']", '$["x y"]', '$.user_id', '$.x-y', '$'])(
    'reads %j',
    (path) => {
      expect(isJsonPath(path)).toBe(true);
    },
  );
  it.each(['', '$.', '$..a', '$.1abc', '$[abc]', "$['open", 'a b'])('refuses %j', (path) => {
    expect(isJsonPath(path)).toBe(false);
  });
});

describe('isStringOrUri (jose)', () => {
  it.each(['my-project', 'https://securetoken.google.com/my-project', 'urn:example:aud', 'my:aud'])('accepts %j', (text) => {
    expect(isStringOrUri(text)).toBe(true);
  });
  it.each(['my aud:1', ':nothing', 'https://x.com/a b', 'a:%zz'])('refuses %j (has a colon, not a URI)', (text) => {
    expect(isStringOrUri(text)).toBe(false);
  });
});
