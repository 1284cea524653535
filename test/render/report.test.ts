import { describe, expect, it } from 'vitest';
import { reportJson, renderReportText, style, jsonDocument } from '../../src/render/index.js';
import { loadPlan, loadReport, snapshotPath } from './helpers.js';

const plain = style(false);

describe('apply report', () => {
  const report = loadReport('report');
  const plan = loadPlan('report-plan');

  it('text, with the plan that was applied', async () => {
    await expect(renderReportText(report, { style: plain, plan })).toMatchFileSnapshot(snapshotPath('report.txt'));
  });

  it('json', async () => {
    await expect(jsonDocument(reportJson(report))).toMatchFileSnapshot(snapshotPath('report.json'));
  });

  it('json: adds format_version and a count of every outcome, those that did not happen as 0', () => {
    const doc = JSON.parse(jsonDocument(reportJson(loadReport('report-all-ok'))));
    expect(doc.format_version).toBe(1);
    expect(doc.summary).toEqual({ applied: 1, created: 0, deleted: 0, unchanged: 1, refused: 0, conflict: 0, failed: 0, unknown: 0 });
    expect(JSON.parse(jsonDocument(reportJson(report))).summary).toEqual({
      applied: 1,
      created: 1,
      deleted: 1,
      unchanged: 1,
      refused: 1,
      conflict: 2,
      failed: 1,
      unknown: 1,
    });
  });

  it('says exactly which half of a failed project landed', () => {
    const text = renderReportText(report, { style: plain, plan });
    expect(text).toContain('✗ shop-e: failed — set A, B; not removed: OLD (deleteTenantEnv failed: permission denied)\n');
  });

  it('lists the projects the plan creates or deletes first, and says why a deletion did not happen', () => {
    const lines = renderReportText(report, { style: plain, plan }).split('\n');
    expect(lines.slice(0, 4).map((l) => l.split(':')[0])).toEqual(['✓ shop-b', '✓ shop-g', '! shop-h', '✗ shop-i']);
    expect(lines).toContain('! shop-h: refused — not destroyed (protect: true); set protect: false on it to allow it.');
    expect(lines).toContain(
      '✗ shop-i: conflict — its tenant is project "shop-j" now: it was renamed since the plan; nothing written. Run hcr plan again.',
    );
  });

  it('says prominently that a deletion was refused when all else went well', () => {
    const refused = { projects: report.projects.filter((p) => ['applied', 'refused'].includes(p.outcome)) };
    expect(renderReportText(refused, { style: plain }).trimEnd().split('\n').at(-1)).toBe('Apply complete: 1 applied, 1 deletion refused.');
  });

  it('without the plan, still names every key that was not written', () => {
    const text = renderReportText(report, { style: plain });
    expect(text).toContain('✗ shop-e: failed — set A, B; not written: OLD (deleteTenantEnv failed: permission denied)\n');
  });

  it('tells a conflict from a lost answer, and what to do about each', () => {
    const text = renderReportText(report, { style: plain, plan });
    expect(text).toContain('✗ shop-d: conflict — changed since the plan read it; nothing written. Run hcr plan again.\n');
    expect(text).toContain(
      '? shop-f: unknown — the answer to updateTenantEnv was lost; hcr could not confirm whether it landed (not confirmed: A, OLD). Run hcr plan to see the live state.\n',
    );
  });

  it('ends with the counts, and says complete only when nothing went wrong', () => {
    expect(renderReportText(report, { style: plain }).trimEnd().split('\n').at(-1)).toBe(
      'Apply incomplete: 1 applied, 1 created, 1 deleted, 1 unchanged, 1 deletion refused, 2 conflict, 1 failed, 1 unknown.',
    );
    expect(renderReportText(loadReport('report-all-ok'), { style: plain })).toBe(
      '✓ shop-a: applied (1 set)\nApply complete: 1 applied, 1 unchanged.\n',
    );
  });

  it('colours only through the style it is given', () => {
    expect(renderReportText(report, { style: plain })).not.toContain('\u001b[');
    expect(renderReportText(report, { style: style(true) })).toContain('\u001b[32m✓\u001b[39m');
  });

  it('json carries every outcome and the counts', () => {
    const doc = JSON.parse(jsonDocument(reportJson(report)));
    expect(doc.format_version).toBe(1);
    expect(doc.summary).toEqual({ applied: 1, created: 1, deleted: 1, unchanged: 1, refused: 1, conflict: 2, failed: 1, unknown: 1 });
    expect(doc.projects[4]).toEqual({
      name: 'shop-e',
      outcome: 'failed',
      set: ['A', 'B'],
      removed: [],
      pending: ['OLD'],
      reason: 'deleteTenantEnv failed:\n  permission denied',
    });
  });
});
