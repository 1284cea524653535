import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src/plan/types.js';
import { planJson, renderPlanMarkdown, renderPlanText, style, jsonDocument } from '../../src/render/index.js';
import { loadPlan } from './helpers.js';

const CANARY = /CANARY/;

function everyView(plan: Plan): string[] {
  const views: string[] = [jsonDocument(planJson(plan))];
  for (const mode of ['plan', 'drift'] as const) {
    for (const color of [true, false]) views.push(renderPlanText(plan, { style: style(color), mode }));
    for (const maxLength of [undefined, 2_000]) views.push(renderPlanMarkdown(plan, { mode, maxLength }));
  }
  return views;
}

describe('sensitive values', () => {
  const plan = loadPlan('plan-canary');

  it('are planted in the fixture, so the test below can fail', () => {
    expect(JSON.stringify(plan)).toMatch(CANARY);
  });

  it('never appear in any view, even as stray fields beside sensitive: true or with the flag missing', () => {
    for (const view of everyView(plan)) expect(view).not.toMatch(CANARY);
  });

  it('show that they change, and where an env var supplies them', () => {
    const text = renderPlanText(plan, { style: style(false), mode: 'plan' });
    expect(text).toContain('+ API_TOKEN     (sensitive value, from env SHOP_API_TOKEN)');
    expect(text).toContain('~ DB_PASSWORD   (sensitive value changed)\n');
    expect(text).toContain('- LEAKY_REMOVE  (sensitive value)\n');
    expect(text).toContain('+ NO_FLAG       (sensitive value)\n');
  });

  // That no value is printed from a plan the planner built is held end to end by e2e/plan.test.ts
  // ('never shows a sensitive value, in any view, on either side'), with canaries on both sides.
  it('name the env var that supplies them in text and Markdown, and never give JSON their source', () => {
    const [json, ...others] = everyView(loadPlan('plan-mixed'));
    for (const view of others) {
      expect(view).toContain('(sensitive value changed, from env SHOP_PROD_ADMIN_SECRET)');
      expect(view).toContain('(sensitive value, from env PREVIEW_ADMIN_SECRET)');
    }
    expect(json).not.toContain('"source"');
    expect(json).not.toContain('SHOP_PROD_ADMIN_SECRET');
  });
});
