import { chmod, mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { CANARIES, seedShop } from '../e2e/setup.js';
import { normalize } from '../helpers/cli.js';
import { HCR_VERSION } from '../../src/version.js';
import { expectNoSecret, expectNoSecretIn, savedWorld, withoutDir } from './setup.js';

type Doc = Record<string, any>;

/** A world with the shop seeded and its plan saved to plan.hcr; `doc` is the file, parsed. */
async function savedShop() {
  const w = await savedWorld();
  seedShop(w.t);
  const r = await w.hcr(['plan', '-f', 'shop.yaml', '--out', 'plan.hcr']);
  expect(r.code).toBe(0);
  const doc = JSON.parse(await readFile(w.path('plan.hcr'), 'utf8')) as Doc;
  return { ...w, doc };
}

const HEADER = ['hcr_saved_plan', 'hcr_version', 'endpoint', 'planned_at', 'value_hashing'];

describe('hcr plan --out', () => {
  it('writes a file of mode 0600 with no secret in it, whose core is the --format json document', async () => {
    // The wall clock, fixed, so that planned_at can be checked exactly.
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-03-01T12:00:00Z') });
    onTestFinished(() => void vi.useRealTimers());
    const { hcr, path, doc, t } = await savedShop();
    expect((await stat(path('plan.hcr'))).mode & 0o777).toBe(0o600);
    await expectNoSecretIn(path('plan.hcr'));

    expect(doc).toMatchObject({ hcr_saved_plan: 2, hcr_version: HCR_VERSION, endpoint: t.emulator.url, format_version: 1 });
    expect(doc.planned_at).toBe('2026-03-01T12:00:00.000Z');
    // The Hasura checks' findings and the run's diagnostics are part of the view, not of the plan a file saves.
    const { checks, diagnostics, ...json } = JSON.parse((await hcr(['plan', '-f', 'shop.yaml', '--format', 'json'])).stdout);
    expect(checks).toEqual([]);
    expect(diagnostics).toEqual([]);
    const core = structuredClone(Object.fromEntries(Object.entries(doc).filter(([k]) => !HEADER.includes(k))));
    for (const project of core.projects) {
      for (const entry of project.env) {
        delete entry.source;
        delete entry.value_hash;
      }
    }
    expect(core).toEqual(json);

    // Every sensitive add/change has its source and a hash; the JWT secret both projects share
    // hashes differently in each, so the file does not tell that they are the same.
    const entry = (project: number, key: string) => doc.projects[project].env.find((e: Doc) => e.key === key);
    expect(entry(0, 'HASURA_GRAPHQL_ADMIN_SECRET')).toEqual({
      key: 'HASURA_GRAPHQL_ADMIN_SECRET',
      action: 'change',
      sensitive: true,
      source: { fromEnv: 'SHOP_PROD_ADMIN_SECRET' },
      value_hash: expect.stringMatching(/^[\w-]{43}$/),
    });
    expect(entry(0, 'WEBHOOK_SIGNING_SECRET').source).toEqual({ file: 'shop.yaml', project: 'shop-prod', key: 'WEBHOOK_SIGNING_SECRET' });
    expect(entry(0, 'HASURA_GRAPHQL_JWT_SECRET').value_hash).not.toBe(entry(1, 'HASURA_GRAPHQL_JWT_SECRET').value_hash);
  });

  it('salts every file anew: the same plan saved twice has different hashes', async () => {
    const { hcr, path, doc } = await savedShop();
    expect((await hcr(['plan', '-f', 'shop.yaml', '--out', 'again.hcr'])).code).toBe(0);
    const again = JSON.parse(await readFile(path('again.hcr'), 'utf8')) as Doc;
    expect(again.value_hashing.salt).not.toBe(doc.value_hashing.salt);
    expect(again.projects[0].env[1].value_hash).not.toBe(doc.projects[0].env[1].value_hash);
  });

  it('replaces an existing file with a private one, leaving no temporary file; refuses a directory, an input file or a missing directory', async () => {
    const { t, hcr, path, dir } = await savedWorld();
    seedShop(t);
    await writeFile(path('plan.hcr'), 'old');
    await chmod(path('plan.hcr'), 0o644);
    expect((await hcr(['plan', '-f', 'shop.yaml', '--out', 'plan.hcr'])).code).toBe(0);
    expect((await stat(path('plan.hcr'))).mode & 0o777).toBe(0o600);
    expect((await readdir(dir)).filter((name) => name.includes('.tmp'))).toEqual([]);

    await mkdir(path('plans'));
    const directory = await hcr(['plan', '-f', 'shop.yaml', '--out', 'plans']);
    expect(directory.code).toBe(1);
    expect(directory.stderr).toContain('Error: --out plans is a directory; name the file to write, e.g. --out plans/hcr.plan');
    expect(await readdir(path('plans'))).toEqual([]);

    const input = await hcr(['plan', '-f', 'shop.yaml', '--out', './shop.yaml']);
    expect(input.code).toBe(1);
    expect(input.stderr).toContain('Error: --out ./shop.yaml is a desired-state file this plan read; save the plan to another file');
    expect(await readFile(path('shop.yaml'), 'utf8')).toContain('version: 1');

    const missing = await hcr(['plan', '-f', 'shop.yaml', '--out', 'nowhere/plan.hcr']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('Error: cannot write the plan to nowhere/plan.hcr: the directory nowhere does not exist');
  });
});

describe('hcr show PLANFILE', () => {
  it('renders a saved plan in every view, as plan showed it, with no token and no Hasura Cloud', async () => {
    const { t, hcr, dir } = await savedShop();
    const views = { text: 'txt', json: 'json', markdown: 'md' } as const;
    const planned: Record<string, string> = {};
    for (const format of Object.keys(views)) planned[format] = (await hcr(['plan', '-f', 'shop.yaml', '--format', format])).stdout;
    // A saved plan holds no findings of the Hasura checks (it is saved only when none is an error).
    planned.json = `${JSON.stringify({ ...JSON.parse(planned.json!), checks: undefined }, null, 2)}\n`;
    await t.close();

    const offline = {
      HASURA_CLOUD_ACCESS_TOKEN: undefined,
      HASURA_CLOUD_ENDPOINT: undefined,
      SHOP_PROD_ADMIN_SECRET: undefined,
      SHOP_JWT_SECRET: undefined,
    };
    for (const [format, ext] of Object.entries(views)) {
      const r = await hcr(['show', 'plan.hcr', '--format', format], { env: offline });
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(planned[format]);
      expect(withoutDir(normalize(r.stderr), dir)).toBe(
        'plan.hcr: planned by hcr <version> at <time> against http://127.0.0.1:<port>/v1/graphql\n',
      );
      await expect(normalize(r.stdout)).toMatchFileSnapshot(`__snapshots__/show.${ext}`);
      expectNoSecret(r.stdout, r.stderr);
    }
  });
});

describe('a file that is not a usable saved plan', () => {
  it('is refused by show and apply with exit 1, saying what it is', async () => {
    const { hcr, path, t } = await savedShop();
    const real = await readFile(path('plan.hcr'), 'utf8');
    await writeFile(path('truncated.hcr'), real.slice(0, real.length / 2));
    await writeFile(path('empty.hcr'), '');
    await writeFile(path('view.json'), (await hcr(['plan', '-f', 'shop.yaml', '--format', 'json'])).stdout);
    await mkdir(path('folder.hcr'));
    t.emulator.requests.length = 0;

    const cases: [string, string][] = [
      ['garbage.bin', 'garbage.bin is not a saved plan: it is not text'],
      ['notes.txt', 'notes.txt is not a saved plan: it is not JSON (its content is not shown)'],
      ['truncated.hcr', 'truncated.hcr is not a saved plan: it is not JSON (its content is not shown)'],
      ['empty.hcr', 'empty.hcr is not a saved plan: it is empty'],
      ['list.json', 'list.json is not a saved plan: it is JSON, but not a plan saved by `hcr plan --out FILE`'],
      [
        'shop.yaml',
        'shop.yaml is not a saved plan: it is YAML, not a plan saved by `hcr plan --out FILE`; to plan and apply a desired-state file, use `hcr apply -f FILE`',
      ],
      ['view.json', 'view.json is not a saved plan: it is the JSON view of a plan (`hcr plan --format json`)'],
      ['folder.hcr', 'folder.hcr is not a saved plan: it is a directory'],
      ['missing.hcr', 'missing.hcr: no such file; save a plan with `hcr plan --out missing.hcr`'],
      [
        'future.json',
        `future.json is a saved plan in format 3 (written by hcr 9.0.0); this hcr (${HCR_VERSION}) reads formats 1 and 2 only.`,
      ],
    ];
    for (const [file, message] of cases) {
      for (const command of ['show', 'apply']) {
        const r = await hcr([command, file]);
        expect(r.stderr, `${command} ${file}`).toContain(`Error: ${message}`);
        if (file === 'truncated.hcr') expect(r.stderr).toContain('it may be truncated');
        expect(r.code).toBe(1);
        expect(r.stdout).toBe('');
      }
    }
    expect(t.emulator.requests).toEqual([]);
  });

  it('is refused, naming the place, when its structure was edited', async () => {
    const { hcr, path, doc } = await savedShop();
    const edits: [string, (d: Doc) => void, string][] = [
      [
        'a value beside a sensitive entry',
        (d) => (d.projects[0].env[1].after = 'x'),
        'projects[0].env[1]: a sensitive entry holds a value (before/after), which hcr never writes to a plan',
      ],
      ['no hash for a sensitive value', (d) => delete d.projects[0].env[1].value_hash, 'projects[0].env[1]: missing field "value_hash"'],
      [
        'a key action hcr does not know',
        (d) => (d.projects[0].env[0].action = 'rename'),
        'projects[0].env[0].action: expected one of "add", "change", "remove", found "rename"',
      ],
      [
        'a project action hcr does not plan',
        (d) => (d.projects[0].action = 'rename'),
        'projects[0].action: expected one of "create", "update", "delete", "no-op", found "rename"',
      ],
      ['a deletion with key changes', (d) => (d.projects[0].action = 'delete'), 'projects[0].env: a project to delete has no key changes'],
      [
        'a refusal hcr does not know',
        (d) => Object.assign(d.projects[0], { action: 'delete', env: [], refused: 'later' }),
        'projects[0].refused: expected one of "protected", "needs-allow-destroy", found "later"',
      ],
      ['a refused update', (d) => (d.projects[0].refused = 'protected'), 'projects[0].refused: only a deletion can be refused'],
      ['a summary that does not count the changes', (d) => (d.summary.add = 0), 'summary: says {"add":0,'],
      ['a summary that counts a refused deletion there is not', (d) => (d.summary.refused_delete_projects = 1), 'summary: says {"add":'],
      [
        'a summary without the count of refused deletions',
        (d) => delete d.summary.refused_delete_projects,
        'summary: missing field "refused_delete_projects"',
      ],
      [
        'an update without the hash it read',
        (d) => delete d.projects[0].hash,
        'projects[0]: an existing project needs the tenantId and the hash the plan read',
      ],
      ['a project twice', (d) => d.projects.push(d.projects[0]), 'projects[2].name: project "shop-prod" appears twice'],
      [
        'a key twice',
        (d) => d.projects[1].env.push(d.projects[1].env[0]),
        'projects[1].env[1].key: "HASURA_GRAPHQL_JWT_SECRET" appears twice',
      ],
      ['a field hcr does not write', (d) => (d.values = {}), '(top level): unexpected field "values"'],
      ['a short salt', (d) => (d.value_hashing.salt = 'abc'), 'value_hashing.salt: expected 22 base64url characters'],
      [
        'other hashing',
        (d) => (d.value_hashing.scheme = 'sha1'),
        'value_hashing.scheme: expected "scrypt(N=16384,r=8,p=1,len=32)+hmac-sha256(project,key)", found "sha1"',
      ],
      ['projects not a list', (d) => (d.projects = {}), 'projects: expected a list, found {}'],
      ['an endpoint that is not a URL', (d) => (d.endpoint = 'prod'), 'endpoint: "prod" is not a URL'],
      ['a value that is not a string', (d) => (d.projects[0].env[0].before = 42), 'projects[0].env[0].before: expected a string, found 42'],
      [
        'an empty variable name',
        (d) => (d.projects[0].env[1].source = { fromEnv: '' }),
        'projects[0].env[1].source.fromEnv: expected a non-empty string',
      ],
      ['a negative count', (d) => (d.projects[0].unmanaged = -1), 'projects[0].unmanaged: expected a whole number of 0 or more, found -1'],
      [
        'a create block on an update',
        (d) => (d.projects[0].create = { cloud: 'aws', region: 'us-east-2' }),
        'projects[0].create: only a project to create has one',
      ],
      ['another plan format at the core', (d) => (d.format_version = 2), 'format_version: expected 1, found 2'],
    ];
    for (const [what, edit, message] of edits) {
      const copy = structuredClone(doc);
      edit(copy);
      await writeFile(path('edited.hcr'), JSON.stringify(copy));
      const r = await hcr(['show', 'edited.hcr']);
      expect(r.stderr, what).toContain(`Error: edited.hcr is not a saved plan: ${message}`);
      expect(r.stderr, what).toContain('it was changed after `hcr plan --out` wrote it, or is damaged');
      expect(r.code, what).toBe(1);
    }
  });

  it('never quotes what it finds where a value does not belong: a secret pasted in the wrong field stays unshown', async () => {
    const { hcr, path, doc } = await savedShop();
    const pasted = CANARIES.SHOP_PROD_ADMIN_SECRET;
    const edits: [(d: Doc) => void, string][] = [
      [(d) => (d.projects[0].unmanaged = pasted), 'projects[0].unmanaged: expected a whole number of 0 or more, found a string'],
      [(d) => (d.projects[0].env[1].source = pasted), 'projects[0].env[1].source: expected an object, found a string'],
      [(d) => (d.projects[0].env[1].value_hash = pasted), 'projects[0].env[1].value_hash: expected 43 base64url characters'],
      [(d) => (d.projects[0].env[1].sensitive = pasted), 'projects[0].env[1].sensitive: expected true or false, found a string'],
      [(d) => (d.projects[0].env[0].after = [pasted]), 'projects[0].env[0].after: expected a string, found a list'],
      [(d) => (d.summary = { secret: pasted }), 'summary: missing field "add"'],
    ];
    for (const [edit, message] of edits) {
      const copy = structuredClone(doc);
      edit(copy);
      await writeFile(path('edited.hcr'), JSON.stringify(copy));
      const r = await hcr(['show', 'edited.hcr']);
      expect(r.stderr).toContain(`Error: edited.hcr is not a saved plan: ${message}`);
      expect(r.code).toBe(1);
      expectNoSecret(r.stdout, r.stderr);
    }
  });

  it('never crashes on any field removed or replaced', async () => {
    const { hcr, path, doc } = await savedShop();
    const paths: (string | number)[][] = [];
    const walk = (value: unknown, at: (string | number)[]): void => {
      if (at.length > 0) paths.push(at);
      if (value && typeof value === 'object')
        for (const [k, v] of Object.entries(value)) walk(v, [...at, Array.isArray(value) ? Number(k) : k]);
    };
    walk(doc, []);
    for (const at of paths) {
      for (const replacement of [undefined, null, {}]) {
        const copy = structuredClone(doc);
        const parent = at.slice(0, -1).reduce((o: any, k) => o[k], copy);
        const last = at.at(-1)!;
        if (replacement === undefined) {
          if (Array.isArray(parent)) parent.splice(last as number, 1);
          else delete parent[last];
        } else parent[last] = replacement;
        await writeFile(path('edited.hcr'), JSON.stringify(copy));
        const r = await hcr(['show', 'edited.hcr']);
        expect(r.stderr, `${at.join('.')} = ${JSON.stringify(replacement)}`).not.toContain('Internal error');
        expect([0, 1]).toContain(r.code);
      }
    }
  });

  it('does not verify a hash moved to another entry: each hash is bound to its project and key', async () => {
    const { t, hcr, path, doc } = await savedShop();
    const prod = doc.projects[0].env as Doc[];
    const [admin, jwt] = [prod[1]!, prod[2]!];
    [admin.value_hash, jwt.value_hash] = [jwt.value_hash, admin.value_hash];
    await writeFile(path('swapped.hcr'), JSON.stringify(doc));
    t.emulator.requests.length = 0;
    const r = await hcr(['apply', 'swapped.hcr']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('2 sensitive values differ');
    expect(r.stderr).toContain('shop-prod HASURA_GRAPHQL_ADMIN_SECRET (from env SHOP_PROD_ADMIN_SECRET): the value is not the one');
    expect(r.stderr).toContain('shop-prod HASURA_GRAPHQL_JWT_SECRET (from env SHOP_JWT_SECRET): the value is not the one');
    expect(t.emulator.requests).toEqual([]);
    expectNoSecret(r.stderr);
    expect(r.stderr).not.toContain(CANARIES.SHOP_PROD_ADMIN_SECRET);
  });
});
