import { describe, expect, it } from 'vitest';
import type { KeyChange, Plan } from '../../src/plan/types.js';
import { GITHUB_COMMENT_LIMIT, renderPlanMarkdown } from '../../src/render/index.js';
import { generatedPlan, key, loadPlan } from './helpers.js';

/** Sums the Add/Change/Remove columns over every row of the summary table, the "…and N more" row included. */
function tableTotals(md: string): number[] {
  const rows = md.split('\n').filter((l) => /^\| (`|\*…and)/.test(l));
  return rows
    .map((row) =>
      row
        .split(/(?<!\\)\|/)
        .slice(3, 6)
        .map(Number),
    )
    .reduce((sum, cells) => sum.map((n, i) => n + (cells[i] ?? 0)), [0, 0, 0]);
}

/** What GitHub renders as markup: everything outside fenced code blocks and code spans. */
const outsideCode = (md: string) => md.replace(/^(`{3,})diff\n[\s\S]*?\n\1$/gm, '').replace(/(`+)(?!`)[\s\S]*?[^`]\1(?!`)/g, '');

/** 2,000 projects × 20 keys: 2 to change (one sensitive), the rest to add, but on every tenth project 1 to remove. */
function bigPlan(): Plan {
  return generatedPlan(2_000, 20, (p, k): KeyChange => {
    if (k === 19 && p % 10 === 0) return { key: key(k), action: 'remove', sensitive: false, before: 'old' };
    if (k === 18) return { key: key(k), action: 'change', sensitive: true };
    if (k === 17) return { key: key(k), action: 'change', sensitive: false, before: 'a', after: 'b' };
    return { key: key(k), action: 'add', sensitive: false, after: `value-${p}-${k}` };
  });
}

describe('markdown view', () => {
  it('fits a 2,000 × 20 plan in a GitHub comment and keeps the summary and every removal', () => {
    const plan = bigPlan();
    const md = renderPlanMarkdown(plan, { mode: 'plan' });
    expect(md.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(md).toContain('**Plan: 35800 to add, 4000 to change, 200 to remove in 2000 projects.**');
    expect(md).toContain('> **200 keys will be removed from 200 projects:**');
    for (let p = 0; p < 2_000; p += 10) expect(md).toContain(`> - \`project-${String(p).padStart(4, '0')}\`: \`KEY_19\``);
    expect(md).toContain('| Project | Action | Add | Change | Remove | Unmanaged |');
    expect(tableTotals(md)).toEqual([35_800, 4_000, 200]);
    expect(md).toMatch(/\n\| \*…and \d+ more projects\* \|/);
    expect(md.trimEnd().split('\n').at(-1)).toBe(
      'The table was shortened and details of 2000 projects were cut to fit a GitHub comment; run hcr plan locally or see the job summary for the full plan.',
    );
  });

  it('cuts the details of the last projects first and says how many', () => {
    const plan = generatedPlan(200, 20, (p, k) => ({ key: key(k), action: 'add', sensitive: false, after: `v${p}.${k}` }));
    const md = renderPlanMarkdown(plan, { mode: 'plan' });
    expect(md.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(tableTotals(md)).toEqual([4_000, 0, 0]);
    const shown = md.match(/<details>/g)?.length ?? 0;
    expect(shown).toBeGreaterThan(0);
    expect(md).toContain('<code>project-0000</code>');
    expect(md).not.toContain('<code>project-0199</code>');
    expect(md).toContain(
      `\n\nDetails of ${200 - shown} projects were cut to fit a GitHub comment; run hcr plan locally or see the job summary for the full plan.\n`,
    );
  });

  it('shortens long values before it cuts any project', () => {
    const long = (p: number, k: number) => `https://example.com/${'x'.repeat(60)}/${p}/${k}`;
    const plan = generatedPlan(10, 20, (p, k) => ({ key: key(k), action: 'add', sensitive: false, after: long(p, k) }));
    const full = renderPlanMarkdown(plan, { mode: 'plan' });
    const md = renderPlanMarkdown(plan, { mode: 'plan', maxLength: full.length - 1 });
    expect(md.length).toBeLessThan(full.length);
    expect(md.match(/<details>/g)).toHaveLength(10);
    expect(md).toContain('+ KEY_00  "https://exa…x/0/0" (68 chars elided)');
    expect(md).toContain(
      '\n\nLong values were shortened to fit a GitHub comment; run hcr plan locally or see the job summary for the full plan.\n',
    );
  });

  it('shows one huge value shortened, not whole', () => {
    const huge = `BEGIN${'A'.repeat(5_000_000)}END`;
    const plan = generatedPlan(1, 1, () => ({ key: 'HUGE', action: 'change', sensitive: false, before: 'small', after: huge }));
    const md = renderPlanMarkdown(plan, { mode: 'plan' });
    expect(md.length).toBeLessThan(2_000);
    expect(md).toContain(`! HUGE  "small" -> "BEGIN${'A'.repeat(43)}…${'A'.repeat(21)}END" (4999936 chars elided)`);
    expect(md).not.toContain('cut to fit');
  });

  it('keeps the removals and the summary even when they are most of the comment', () => {
    const plan = generatedPlan(2_000, 20, (_, k) => ({ key: `REMOVED_KEY_${k}`, action: 'remove', sensitive: false, before: 'x' }));
    const md = renderPlanMarkdown(plan, { mode: 'plan' });
    expect(md.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(
      md.startsWith(
        '## hcr plan\n\n> [!WARNING]\n> **40000 keys will be removed from 2000 projects:**\n> - `project-0000`: `REMOVED_KEY_0`',
      ),
    ).toBe(true);
    expect(md).toMatch(/\n> - …and \d+ more projects\n/);
    expect(md).toContain('**Plan: 0 to add, 0 to change, 40000 to remove in 2000 projects.**');
    expect(tableTotals(md)).toEqual([0, 0, 40_000]);
    expect(md).toContain('The list of removals was shortened, the table was shortened and details of 2000 projects were cut');
  });

  it('never exceeds maxLength, from the smallest it accepts up', () => {
    const plans: Plan[] = [loadPlan('plan-mixed'), loadPlan('plan-escaping'), bigPlan()];
    for (const plan of plans) {
      for (let maxLength = 2_000; maxLength < 40_000; maxLength += 4_999) {
        for (const mode of ['plan', 'drift'] as const) {
          const md = renderPlanMarkdown(plan, { mode, maxLength });
          expect(md.length).toBeLessThanOrEqual(maxLength);
          expect(md).toMatch(/\n\*\*(Plan|Drift): .*\*\*\n/);
        }
      }
    }
    expect(() => renderPlanMarkdown(plans[0]!, { mode: 'plan', maxLength: 1_999 })).toThrow(RangeError);
  });

  describe('escaping', () => {
    const md = renderPlanMarkdown(loadPlan('plan-escaping'), { mode: 'plan' });

    it('escapes pipes in table cells', () => {
      const row = md.split('\n').find((l) => l.startsWith('| `team'));
      expect(row).toBe('| `team\\|a<b>&c` | update | 3 | 1 | 2 | 0 |');
      expect(row?.split(/(?<!\\)\|/)).toHaveLength(8);
    });

    it('escapes HTML in a details summary', () => {
      expect(md).toContain(
        '<summary><code>team|a&lt;b&gt;&amp;c</code> (aaaaaaaa) will be updated in place: 3 to add, 1 to change, 2 to remove</summary>',
      );
    });

    it('fences the diff longer than any backtick run inside it', () => {
      expect(md).toContain('\n`````diff\n');
      expect(md).toContain('+ FENCE       "a ```` b ` c"\n');
      expect(md).toContain('\n`````\n\n</details>');
    });

    it('uses code spans that survive backticks and line breaks in keys', () => {
      expect(md).toContain('> - `team|a<b>&c`: `"BAD\\nKEY"`, ``TICK`KEY``');
    });

    it('lets no HTML, mention or issue link out of the code fences', () => {
      const rendered = outsideCode(md);
      expect(rendered).not.toMatch(/<script|<b>|@octocat|#12/);
      expect(rendered).toContain('</details>');
    });

    it('escapes a title', () => {
      const titled = renderPlanMarkdown(loadPlan('plan-single'), { mode: 'plan', title: 'Plan for <prod> | *all* `x`' });
      expect(titled.startsWith('## Plan for \\<prod\\> \\| \\*all\\* \\`x\\`\n')).toBe(true);
    });
  });
});
