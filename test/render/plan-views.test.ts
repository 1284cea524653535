import { describe, expect, it } from 'vitest';
import { planJson, renderPlanMarkdown, renderPlanText, style, jsonDocument } from '../../src/render/index.js';
import { PLAN_FIXTURES, loadPlan, snapshotPath } from './helpers.js';

const plain = style(false);

describe.each(PLAN_FIXTURES)('views of %s', (name) => {
  const plan = loadPlan(name);

  it.each(['plan', 'drift'] as const)('text, %s mode', async (mode) => {
    await expect(renderPlanText(plan, { style: plain, mode })).toMatchFileSnapshot(snapshotPath(`${name}.${mode}.txt`));
  });

  it.each(['plan', 'drift'] as const)('markdown, %s mode', async (mode) => {
    await expect(renderPlanMarkdown(plan, { mode })).toMatchFileSnapshot(snapshotPath(`${name}.${mode}.md`));
  });

  it('json', async () => {
    await expect(jsonDocument(planJson(plan))).toMatchFileSnapshot(snapshotPath(`${name}.json`));
  });
});

describe('text view', () => {
  it('sums up a one-project plan in the singular and warns about its removal', () => {
    const out = renderPlanText(loadPlan('plan-single'), { style: plain, mode: 'plan' });
    expect(out).toContain(
      '\n1 key will be removed from 1 project: review it above.\nPlan: 1 to add, 1 to change, 1 to remove in 1 project.\n',
    );
  });

  it('counts project creations, deletions and refused deletions in the summary', () => {
    const out = renderPlanText(loadPlan('plan-mixed'), { style: plain, mode: 'plan' });
    expect(out.trimEnd().split('\n').at(-1)).toBe(
      'Plan: 1 project to create, 1 project to destroy, 4 to add, 3 to change, 3 to remove in 3 projects. 1 project deletion refused.',
    );
  });

  it('lists project creations and deletions above key changes', () => {
    const out = renderPlanText(loadPlan('plan-mixed'), { style: plain, mode: 'plan' });
    const headers = out
      .split('\n')
      .filter((l) => /^ {2}\S/.test(l))
      .map((l) => l.trim().split(' ').slice(0, 2).join(' '));
    expect(headers).toEqual(['! shop-legacy', '- shop-old', '+ shop-preview', '~ shop-prod']);
  });

  it('says a plan whose only difference is a refused deletion changes nothing, and why', () => {
    const mixed = loadPlan('plan-mixed');
    const plan = { ...mixed, projects: mixed.projects.filter((p) => p.name === 'shop-legacy' || p.action === 'no-op') };
    expect(renderPlanText(plan, { style: plain, mode: 'plan' })).toBe(
      [
        'hcr will change nothing; 1 deletion is refused:',
        '',
        '  ! shop-legacy (5678abcd) deletion refused: protect: true — set protect: false on it to allow it',
        '',
        '2 projects unchanged (2 unmanaged keys left alone).',
        'Plan: no changes; 1 project deletion refused.',
        '',
      ].join('\n'),
    );
  });

  it('says there is nothing to do, and still counts what it leaves alone', () => {
    const plan = loadPlan('plan-no-changes');
    expect(renderPlanText(plan, { style: plain, mode: 'plan' })).toBe(
      '2 projects unchanged (5 unmanaged keys left alone).\nNo changes. Live state matches the desired state.\n',
    );
    expect(renderPlanText(plan, { style: plain, mode: 'drift' }).trimEnd().split('\n').at(-1)).toBe(
      'No drift. Live state matches the desired state.',
    );
  });

  it('lists removals first and lines up the values of a project', () => {
    const lines = renderPlanText(loadPlan('plan-mixed'), { style: plain, mode: 'plan' }).split('\n');
    const start = lines.findIndex((l) => l.includes('shop-prod'));
    expect(start).toBeGreaterThanOrEqual(0);
    const keys = lines.slice(start + 1).filter((l) => /^ {6}[-~+] /.test(l));
    expect(keys.map((l) => l[6])).toEqual(['-', '-', '-', '~', '~', '~', '+', '+']);
    const valueColumns = new Set(keys.map((l) => l.search(/ ["(]/)));
    expect(valueColumns.size).toBe(1);
  });

  it('colours only through the style it is given', () => {
    const plan = loadPlan('plan-mixed');
    const coloured = renderPlanText(plan, { style: style(true), mode: 'plan' });
    expect(coloured).toContain('\u001b[31m-\u001b[39m');
    expect(coloured).toContain('\u001b[32m+\u001b[39m');
    expect(coloured).toContain('\u001b[33m~\u001b[39m');
    expect(coloured.replace(/\u001b\[\d+m/g, '')).toBe(renderPlanText(plan, { style: plain, mode: 'plan' }));
    for (const name of PLAN_FIXTURES) {
      for (const mode of ['plan', 'drift'] as const) {
        expect(renderPlanText(loadPlan(name), { style: plain, mode })).not.toContain('\u001b[');
      }
    }
  });

  it('never passes a control character from a value or key to the terminal', () => {
    const out = renderPlanText(loadPlan('plan-escaping'), { style: plain, mode: 'plan' });
    expect(out).toContain('+ ZERO_WIDTH  "ad\\u200bmin\\u202e\\u001b[31m"');
    expect(out).toContain('- "BAD\\nKEY"  "x"');
    expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b\u202e]/);
  });
});

describe('JSON view', () => {
  it('is one document in the shape README documents, with no values or sources for sensitive entries', () => {
    const out = jsonDocument(planJson(loadPlan('plan-mixed')));
    expect(out.endsWith('}\n')).toBe(true);
    const doc = JSON.parse(out);
    expect(Object.keys(doc)).toEqual(['format_version', 'projects', 'summary']);
    expect(doc.summary).toEqual({ add: 4, change: 3, remove: 3, create_projects: 1, delete_projects: 1, refused_delete_projects: 1 });
    expect(doc.projects.find((p: { name: string }) => p.name === 'shop-legacy')).toMatchObject({ action: 'delete', refused: 'protected' });
    const prod = doc.projects.find((p: { name: string }) => p.name === 'shop-prod');
    expect(Object.keys(prod)).toEqual(['name', 'tenantId', 'hash', 'action', 'env', 'unmanaged']);
    expect(prod.env).toContainEqual({ key: 'HASURA_GRAPHQL_ADMIN_SECRET', action: 'change', sensitive: true });
    expect(prod.env).toContainEqual({ key: 'LEGACY_URL', action: 'remove', sensitive: false, before: 'https://legacy.example.com' });
    expect(out).not.toContain('"source"');
  });

  it('recounts the summary from the entries it shows', () => {
    const plan = loadPlan('plan-single');
    const stale = {
      ...plan,
      summary: { add: 9, change: 9, remove: 9, create_projects: 9, delete_projects: 9, refused_delete_projects: 9 },
    };
    expect(JSON.parse(jsonDocument(planJson(stale))).summary).toEqual({
      add: 1,
      change: 1,
      remove: 1,
      create_projects: 0,
      delete_projects: 0,
      refused_delete_projects: 0,
    });
  });
});
