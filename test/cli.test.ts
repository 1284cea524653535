import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { HCR_VERSION } from '../src/version.js';
import { runCli } from './helpers/cli.js';

describe('hcr command line', () => {
  it('prints its version', async () => {
    const r = await runCli(['--version']);
    expect(r).toEqual({ code: 0, stdout: `${HCR_VERSION}\n`, stderr: '' });
  });

  it('prints help', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('hcr <command> [options]');
    expect(r.stdout).toContain('--endpoint');
  });

  it('refuses an unknown command with exit 1 and a pointer to --help', async () => {
    const r = await runCli(['frobnicate']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Unknown command: frobnicate|Unknown argument: frobnicate/);
    expect(r.stderr).toContain('hcr --help');
    expect(r.stdout).toBe('');
  });

  it('asks for a command when given none', async () => {
    const r = await runCli([]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('choose a command');
  });
});

describe('--help', () => {
  const COMMANDS = [
    ['validate'],
    ['plan'],
    ['apply'],
    ['show'],
    ['drift'],
    ['import'],
    ['preview'],
    ['preview', 'create'],
    ['preview', 'delete'],
    ['github'],
    ['github', 'comment'],
    ['gitlab'],
    ['gitlab', 'comment'],
    ['schema'],
    ['emulator'],
    ['demo'],
  ];

  it('lists every command, each with a line in this table', async () => {
    const { stdout } = await runCli(['--help']);
    const listed = [...stdout.matchAll(/^ {2}hcr (\w+)/gm)].map((m) => m[1]);
    expect(listed).toEqual(COMMANDS.filter((c) => c.length === 1).map(([c]) => c));
  });

  it.each(COMMANDS)('%s %s gives examples of itself', async (...command) => {
    const r = await runCli([...command, '--help']);
    expect(r.code).toBe(0);
    const at = r.stdout.indexOf('\nExamples:\n');
    expect(at).toBeGreaterThan(0);
    // yargs wraps a long example over lines: read them as one text.
    expect(r.stdout.slice(at).replace(/\s+/g, ' ')).toContain(` hcr ${command.join(' ')}`);
  });
});

describe('repeated flags', () => {
  it('refuses a one-value flag given twice, naming it', async () => {
    const r = await runCli(['emulator', '--port', '1', '--port', '2']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--port is given more than once; give it once');
  });

  it('accepts a list flag given twice, and takes both values', async () => {
    const r = await runCli(['validate', '-f', 'aliases.yaml', '-f', 'split/blog/blog.yaml'], {
      cwd: fileURLToPath(new URL('fixtures/good/', import.meta.url)),
      env: { BLOG_PUBLIC_TOKEN: 'public' },
    });
    expect(r).toEqual({ code: 0, stdout: 'Valid: 4 projects in 2 files.\n', stderr: '' });
  });
});
