export { renderPlanText, type PlanTextOptions } from './plan-text.js';
export { planJson } from './plan-json.js';
export { renderPlanMarkdown, GITHUB_COMMENT_LIMIT, MIN_MARKDOWN_LENGTH, type PlanMarkdownOptions } from './plan-markdown.js';
export { renderReportText, reportJson, summarizeReport, type ReportSummary, type ReportTextOptions } from './report.js';
export { style, wantsColor, type Style } from './style.js';
export { displayName, jsonDocument, printable, type ViewMode } from './format.js';
