import { code, escapeText } from './markdown.js';
import { notesMarkdown, type Note } from './notes.js';

/** A preview app `hcr preview create` made (or redeployed): where it is, and what became of its env. */
export interface PreviewApp {
  name: string;
  projectId: string;
  tenantId: string | null;
  endpoint: string;
  consoleUrl: string;
  jobId: string;
  /** The keys set with --env and --env-file; their values are not output. */
  env: string[];
  /** Keys the job did not apply, which hcr then set with updateTenantEnv. */
  envSetAfterJob?: string[];
  /** Keys hcr could not make sure of: the job did not apply them, or reading or setting them failed (`envProblem`). */
  envMissing?: string[];
  envProblem?: string;
}

/** What the text and Markdown views list: label and text, each of its own line. */
function facts(app: PreviewApp): [string, string][] {
  return [
    ['endpoint', app.endpoint],
    ['console', app.consoleUrl],
    ['project', app.projectId],
    ...(app.tenantId ? [['tenant', app.tenantId] as [string, string]] : []),
    ['job', app.jobId],
    ...(app.env.length > 0 ? [['env', `${app.env.join(', ')} (values not shown)`] as [string, string]] : []),
    ...(app.envSetAfterJob
      ? [
          ['env set', `${app.envSetAfterJob.join(', ')}: the preview job did not apply them, so hcr set them with updateTenantEnv`] as [
            string,
            string,
          ],
        ]
      : []),
    ...(app.envMissing
      ? [
          ['env NOT CONFIRMED', `${app.envMissing.join(', ')}: the preview job may not have applied them (${app.envProblem})`] as [
            string,
            string,
          ],
        ]
      : []),
  ];
}

/** The labels line up, but for one too long to. */
const LABEL_WIDTH = 10;

export function renderPreviewText(app: PreviewApp): string {
  const lines = facts(app).map(([label, text]) => {
    const head = `${label}:`;
    return `  ${head.length < LABEL_WIDTH ? head.padEnd(LABEL_WIDTH) : `${head} `}${text}`;
  });
  return `${[`Preview app ${app.name} is ready.`, ...lines].join('\n')}\n`;
}

/** Field by field, so that nothing but these reaches the output. */
export function previewJson(app: PreviewApp): Record<string, unknown> {
  return {
    name: app.name,
    projectId: app.projectId,
    tenantId: app.tenantId,
    endpoint: app.endpoint,
    consoleUrl: app.consoleUrl,
    jobId: app.jobId,
    env: app.env,
    envSetAfterJob: app.envSetAfterJob,
    envMissing: app.envMissing,
    envProblem: app.envProblem,
  };
}

/** For the pull request's comment: where the app is, and any key hcr could not make sure of. */
export function renderPreviewMarkdown(app: PreviewApp, notes: readonly Note[]): string {
  const prose = new Set(['env', 'env set', 'env NOT CONFIRMED']);
  const items = facts(app).map(([label, text]) => `- ${label}: ${prose.has(label) ? escapeText(text) : code(text)}`);
  const parts = [`## Preview app ${code(app.name)}`, items.join('\n'), ...(notes.length > 0 ? [notesMarkdown(notes)] : [])];
  return `${parts.join('\n\n')}\n`;
}
