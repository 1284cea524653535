import { describe, expect, it } from 'vitest';
import { checkedMarkerId, isMarked, markedBody, marker, subjectId } from '../../src/ci/body.js';

const MARK = marker('comment', 'x.yaml');
const FULL = { url: 'https://github.com/acme/shop/actions/runs/1', label: 'job summary' };

describe('subjectId', () => {
  it('is the same for the same paths however given, and differs by shard and projects', () => {
    const id = (files: string[], more = {}) => subjectId({ files, ...more }, '/repo');
    expect(id(['b.yaml', './a.yaml', '/repo/b.yaml'])).toBe('a.yaml,b.yaml');
    expect(id(['envs/', 'envs'])).toBe('envs');
    expect(id(['.'])).toBe('.');
    expect(id(['a.yaml'], { shard: { index: 2, count: 3 }, projects: ['shop-*', 'api'] })).toBe('a.yaml projects=api,shop-* shard=2/3');
  });

  it('percent-encodes what could end the HTML comment it goes into', () => {
    const id = subjectId({ files: ['my dir/x-->y.yaml'] }, '/repo');
    expect(id).toBe('my%20dir/x-%2D%3Ey.yaml');
    expect(marker('comment', id).indexOf('-->')).toBe(marker('comment', id).length - 3);
  });
});

describe('checkedMarkerId', () => {
  it.each(['preview', 'plan:prod', 'shop/api@v2'])('takes %s', (id) => expect(checkedMarkerId(id)).toBe(id));
  it.each(['', '-x', 'a b', 'a-->b', 'a--b', 'x'.repeat(201)])('refuses %j', (id) =>
    expect(() => checkedMarkerId(id)).toThrow('--marker-id'),
  );
});

describe('isMarked', () => {
  it('matches the marker as the whole first line only', () => {
    expect(isMarked(`${MARK}\nbody`, MARK)).toBe(true);
    expect(isMarked(`${MARK}\r\nbody`, MARK)).toBe(true);
    expect(isMarked(MARK, MARK)).toBe(true);
    expect(isMarked(`${marker('comment', 'x.yaml shard=1/2')}\nbody`, MARK)).toBe(false);
    expect(isMarked(`quoted ${MARK}\nbody`, MARK)).toBe(false);
    expect(isMarked(null, MARK)).toBe(false);
  });
});

describe('markedBody', () => {
  it('leaves a body that fits as it is', () => {
    expect(markedBody(MARK, 'short', 100, FULL)).toBe(`${MARK}\nshort`);
  });

  it('cuts at a line, closes an open <details> and fence, and says where the whole text is', () => {
    const text = ['## plan', '<details><summary>x</summary>', '', '````diff', ...Array.from({ length: 100 }, (_, i) => `+ K${i}`)].join(
      '\n',
    );
    expect(text).toHaveLength(637);
    const body = markedBody(MARK, text, 500, FULL);
    expect(body.length).toBeLessThanOrEqual(500);
    expect(body).toMatch(
      /\n\+ K\d+\n````\n\n<\/details>\n\n---\n:scissors: Cut here: the text is 637 characters, more than a comment may hold; read all of it in the \[job summary\]\(https:\/\/github\.com\/acme\/shop\/actions\/runs\/1\)\.$/,
    );
    expect(markedBody(MARK, text, 500, undefined)).toMatch(/; the rest is not shown\.$/);
  });

  it('keeps only the note when not even one line fits', () => {
    const body = markedBody(MARK, 'x'.repeat(1000), 400, FULL);
    expect(body).toMatch(new RegExp(`^${MARK}\\n\\n---\\n:scissors: Cut here`));
    expect(body.length).toBeLessThanOrEqual(400);
  });
});
