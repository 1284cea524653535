import { describe, expect, it } from 'vitest';
import type { ProjectFinding } from '../../src/hasura/check.js';
import { planJson, renderPlanMarkdown, renderPlanText, style, jsonDocument } from '../../src/render/index.js';
import { loadPlan } from './helpers.js';

const at = (line: number) => ({ file: 'shop.yaml', line, col: 7 });
const FINDINGS: ProjectFinding[] = [
  {
    project: 'shop-dev',
    rule: 'hasura/unknown-name',
    level: 'warning',
    key: 'HASURA_GRAPHQL_ENABLE_CONSOLLE',
    message: 'is not a variable the engine reads',
    at: at(4),
  },
  { project: 'shop-dev', rule: 'hasura/deprecated', level: 'info', key: 'HASURA_GRAPHQL_ACCESS_KEY', message: 'is deprecated', at: at(5) },
  { project: 'shop-prod', rule: 'hasura/bool', level: 'error', key: 'HASURA_GRAPHQL_DEV_MODE', message: '"1" is not a boolean', at: at(9) },
  { project: 'shop-prod', rule: 'hasura/admin-secret', level: 'error', message: 'no admin secret is set', at: at(8) },
];
const plan = loadPlan('plan-single');

describe('the Hasura checks in the views of a plan', () => {
  it('text: by project, the projects with errors first, notes only counted, before the closing line', () => {
    const text = renderPlanText(plan, { style: style(false), mode: 'plan', checks: FINDINGS });
    const lines = text.trimEnd().split('\n');
    const start = lines.indexOf('Hasura checks: 2 errors, 1 warning (and 1 note, which hcr validate --verbose lists):');
    expect(lines.slice(start, start + 7)).toEqual([
      'Hasura checks: 2 errors, 1 warning (and 1 note, which hcr validate --verbose lists):',
      '  shop-prod',
      '    ✗ error   hasura/bool  HASURA_GRAPHQL_DEV_MODE: "1" is not a boolean (shop.yaml:9:7)',
      '    ✗ error   hasura/admin-secret  no admin secret is set (shop.yaml:8:7)',
      '  shop-dev',
      '    ! warning hasura/unknown-name  HASURA_GRAPHQL_ENABLE_CONSOLLE: is not a variable the engine reads (shop.yaml:4:7)',
      '',
    ]);
    expect(lines.at(-1)).toMatch(/^Plan: /);
    expect(renderPlanText(plan, { style: style(false), mode: 'plan', checks: [FINDINGS[1]!] })).toContain(
      'Hasura checks: 1 note, which hcr validate --verbose lists.\n',
    );
    expect(renderPlanText(plan, { style: style(false), mode: 'plan', checks: [] })).toBe(
      renderPlanText(plan, { style: style(false), mode: 'plan' }),
    );
  });

  it('JSON: a checks array with rule, level, project, key, message and location', () => {
    const doc = JSON.parse(jsonDocument(planJson(plan, FINDINGS)));
    expect(doc.checks[0]).toEqual({
      rule: 'hasura/bool',
      level: 'error',
      project: 'shop-prod',
      key: 'HASURA_GRAPHQL_DEV_MODE',
      message: '"1" is not a boolean',
      location: { file: 'shop.yaml', line: 9, col: 7 },
    });
    expect(doc.checks[1]).toMatchObject({ rule: 'hasura/admin-secret', key: null });
    expect(doc.checks.map((c: { level: string }) => c.level)).toEqual(['error', 'error', 'warning', 'info']);
    expect(JSON.parse(jsonDocument(planJson(plan)))).not.toHaveProperty('checks');
  });

  it('Markdown: one item per finding, escaped, and shortened with a note when a comment cannot hold them all', () => {
    const md = renderPlanMarkdown(plan, { mode: 'plan', checks: FINDINGS });
    expect(md).toContain('**Hasura checks: 2 errors, 1 warning (and 1 note, which hcr validate --verbose lists):**\n\n');
    expect(md).toContain('- ❌ **error** `hasura/bool` in `shop-prod`: `HASURA_GRAPHQL_DEV_MODE`: "1" is not a boolean (`shop.yaml:9:7`)');

    const many: ProjectFinding[] = Array.from({ length: 400 }, (_, i) => ({
      project: `project-${String(i).padStart(4, '0')}`,
      rule: 'hasura/unknown-name',
      level: 'warning',
      key: `HASURA_GRAPHQL_TYPO_${i}`,
      message: 'is not a variable the engine reads, so it does nothing'.padEnd(120, '.'),
      at: at(i + 1),
    }));
    const short = renderPlanMarkdown(plan, { mode: 'plan', checks: many, maxLength: 20_000 });
    expect(short.length).toBeLessThanOrEqual(20_000);
    expect(short).toMatch(/- …and \d+ more findings/);
    expect(short).toMatch(/the list of Hasura checks was shortened/i);
    expect(short).toContain('**Plan:');
  });
});
