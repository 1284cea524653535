export { renderPlanText, type PlanTextOptions } from './plan-text.js';
export { renderPlanJson } from './plan-json.js';
export { renderPlanMarkdown, GITHUB_COMMENT_LIMIT, MIN_MARKDOWN_LENGTH, type PlanMarkdownOptions } from './plan-markdown.js';
export { renderReportText, renderReportJson, summarizeReport, type ReportSummary, type ReportTextOptions } from './report.js';
export { style, wantsColor, type Style } from './style.js';
export { displayName, printable, type ViewMode } from './format.js';
