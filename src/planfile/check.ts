import { summarize } from '../plan/plan.js';
import type { KeyChange, ProjectPlan } from '../plan/types.js';
import { createOptions } from '../config/create.js';
import { type ReviewedValue, type SavedEntry, type SavedPlan, type SavedPlanFile } from './format.js';
import { checkStructure, malformed, shortQuote } from './schema.js';

/**
 * The saved plan in `data` (JSON of a readable format): its structure is checked against the
 * schema, then what the schema cannot say — a URL, a time, names given once, a summary that counts
 * the projects. Throws Malformed at the first problem.
 */
export function checkSavedPlan(data: unknown): SavedPlan {
  checkStructure(data);
  const file = data as SavedPlanFile;
  if (!URL.canParse(file.endpoint)) malformed(['endpoint'], `${shortQuote(file.endpoint)} is not a URL`);
  if (Number.isNaN(Date.parse(file.planned_at))) malformed(['planned_at'], `${shortQuote(file.planned_at)} is not a time`);

  const reviewed: ReviewedValue[] = [];
  const names = new Set<string>();
  const projects = file.projects.map((project, i): ProjectPlan => {
    if (names.has(project.name)) malformed(['projects', i, 'name'], `project ${JSON.stringify(project.name)} appears twice`);
    names.add(project.name);
    const keys = new Set<string>();
    const env = project.env.map((entry, j) => {
      if (keys.has(entry.key)) malformed(['projects', i, 'env', j, 'key'], `${JSON.stringify(entry.key)} appears twice`);
      keys.add(entry.key);
      return keyChange(project.name, entry, reviewed);
    });
    return { ...project, env, ...(project.create && { create: createOptions(project.create) }) };
  });

  const counted = summarize(projects);
  const said = Object.fromEntries(Object.keys(counted).map((k) => [k, file.summary[k as keyof typeof counted] ?? 0]));
  if (JSON.stringify(said) !== JSON.stringify(counted)) {
    malformed(['summary'], `says ${JSON.stringify(said)}, but the projects hold ${JSON.stringify(counted)}`);
  }
  return {
    plan: { format_version: file.format_version, projects, summary: counted },
    hcrVersion: file.hcr_version,
    endpoint: file.endpoint,
    plannedAt: file.planned_at,
    salt: Buffer.from(file.value_hashing.salt, 'base64url'),
    reviewed,
  };
}

/** The plan's change of a saved entry; a sensitive value to write joins `reviewed`. */
function keyChange(project: string, entry: SavedEntry, reviewed: ReviewedValue[]): KeyChange {
  const { value_hash: hash, ...change } = entry;
  if (hash !== undefined) reviewed.push({ project, key: change.key, source: change.source!, hash: Buffer.from(hash, 'base64url') });
  return change;
}
