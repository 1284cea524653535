import { mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../helpers/cli.js';

const BAD = fileURLToPath(new URL('../fixtures/bad/', import.meta.url));

interface Expectation {
  /** `file:line:col` of the problem, or null for a problem about the input as a whole. */
  at: string | null;
  /** Texts the problem's line must contain: the offending name, what is wrong. */
  says: string[];
  /** The environment hcr runs with. */
  env?: Record<string, string>;
}

const expectations = JSON.parse(readFileSync(join(BAD, 'expectations.json'), 'utf8')) as Record<string, Expectation>;

/** Exactly one problem, reported as a user's error: its line, a count, nothing else. */
function expectOneProblem(r: CliResult, expectation: Expectation): void {
  expect(r.code).toBe(1);
  expect(r.stdout).toBe('');
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stderr).not.toContain('Internal error');
  const [line, count, ...rest] = r.stderr.split('\n');
  expect(rest).toEqual(['']);
  if (expectation.at) {
    expect(line).toMatch(new RegExp(`^${expectation.at.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `));
    expect(count).toBe('1 problem in 1 file');
  } else {
    expect(line).not.toMatch(/^\S+:\d+:\d+: /);
    expect(count).toBe('1 problem');
  }
  for (const text of expectation.says) expect(line).toContain(text);
}

describe('hcr validate on broken input', () => {
  it('has an expectation for every fixture, and a fixture for every expectation but the missing path', () => {
    const fixtures = readdirSync(BAD).filter((f) => f !== 'expectations.json');
    expect(fixtures.length).toBeGreaterThanOrEqual(40);
    expect(Object.keys(expectations).sort()).toEqual([...fixtures, 'missing.yaml'].sort());
  });

  it.each(Object.entries(expectations))('%s', async (input, expectation) => {
    const r = await runCli(['validate', '-f', input], { cwd: BAD, env: expectation.env ?? {} });
    expectOneProblem(r, expectation);
  });

  describe('a file over 5 MiB', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hcr-big-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('is refused before it is parsed', async () => {
      // 3 GiB, sparse: an invalid UTF-8 first byte, then NUL bytes. Read, it would not fit a Buffer
      // (2 GiB at most); decoded, it is not UTF-8; parsed, it holds NULs. Each gives another error, so
      // only the size check, made before anything is read, can say this.
      const huge = join(dir, 'huge.yaml');
      writeFileSync(huge, Buffer.from([0xff]));
      truncateSync(huge, 3 * 1024 ** 3);
      const r = await runCli(['validate', '-f', 'huge.yaml'], { cwd: dir });
      expectOneProblem(r, { at: 'huge.yaml:1:1', says: ['the file is 3072 MiB', 'at most 5 MiB'] });
    });
  });
});
