import { KNOWN_VARIABLES, variable, type Variable } from './variables.js';
import { RULES, type Level, type Problem, type RuleId, type Setting } from './rules.js';
import { checkValue } from './value-checks.js';
import { combinationProblems, productionProblems } from './combinations.js';
import { EnvView, type Env } from './env.js';
import { didYouMean } from '../util/words.js';
import { parseBool } from './values.js';

export type { Env, EnvEntry } from './env.js';

/** What a check found: about one key, or (without key) about the env as a whole. */
export interface Finding {
  rule: RuleId;
  level: Level;
  key?: string;
  /** Names what is wrong and how to fix it; quotes a value only when it is neither sensitive nor a secret. */
  message: string;
}

/** A finding about one project, at the place of the desired state it concerns (1-based line and column). */
export interface ProjectFinding extends Finding {
  project: string;
  at?: { file: string; line: number; col: number };
}

export interface CheckOptions {
  /** Adds the production checklist (the `production` rules) at their levels. */
  production: boolean;
  /** Levels set by `checks:` (defaults under the project's own). A production rule set here runs even without `production`. */
  levels?: Readonly<Partial<Record<RuleId, Setting>>>;
  /**
   * The env is only what the desired state says (validate, offline): a key not in it is unknown,
   * as the live project may have it, except the `absent` keys (removed by the desired state).
   * Without it, the env is the whole env the engine gets.
   */
  partial?: { absent: ReadonlySet<string> };
}

const ORDER: Record<Level, number> = { error: 0, warning: 1, info: 2 };

/**
 * Checks an env as Hasura GraphQL Engine would read it at startup, and against the production
 * checklist. About keys the desired state does not declare (`declared: false`: live values left
 * alone), only what stops the engine and the production rules are reported. Errors first.
 */
export function checkEnv(env: Env, options: CheckOptions): Finding[] {
  const view = new EnvView(env, options.partial?.absent);
  const problems: Problem[] = [];
  for (const [key, entry] of [...env].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const known = variable(key);
    if (known) problems.push(...checkValue(known, entry).map((p) => ({ ...p, key, weak: !known.fatal })));
    if (!entry.declared) continue;
    if (known) problems.push(...advice(known, entry.value).map((p) => ({ ...p, key })));
    else problems.push(...unknownName(key));
  }
  problems.push(...combinationProblems(view));
  if (options.production || Object.keys(options.levels ?? {}).some((id) => RULES.get(id as RuleId)?.group === 'production')) {
    problems.push(...productionProblems(view));
  }

  const findings: Finding[] = [];
  for (const p of problems) {
    const rule = RULES.get(p.rule)!;
    const set = options.levels?.[p.rule];
    if (rule.group === 'production' && !options.production && set === undefined) continue;
    // A value hcr only infers the engine refuses (a variable not surely parsed) is a warning.
    const level = set ?? (p.weak && rule.level === 'error' ? 'warning' : rule.level);
    if (level === 'off') continue;
    const undeclared = p.key !== undefined && env.get(p.key)?.declared === false;
    if (undeclared && level !== 'error' && rule.group !== 'production') continue;
    findings.push({ rule: p.rule, level, ...(p.key !== undefined && { key: p.key }), message: p.message });
  }
  return findings.sort((a, b) => ORDER[a.level] - ORDER[b.level]);
}

/**
 * Hasura Cloud specifics and deprecations of a declared key (REF "Supported in", SERVE). A value
 * equal to the engine's default changes nothing anywhere (ENABLE_CONSOLE: "false"): no Cloud note.
 */
function advice(known: Variable, value: string): Omit<Problem, 'key'>[] {
  const problems: Omit<Problem, 'key'>[] = [];
  if (known.deprecated) problems.push({ rule: 'hasura/deprecated', message: `is deprecated; use ${known.deprecated}` });
  if (isDefault(known, value)) return problems;
  if (known.cloud === 'managed') {
    problems.push({
      rule: 'hasura/cloud-managed',
      message: 'is set by Hasura Cloud itself; a value set here is not the one the project runs with',
    });
  } else if (known.cloud === 'unsupported') {
    problems.push({
      rule: 'hasura/cloud-unsupported',
      message: 'is listed for self-hosted engines only (Community and Enterprise Edition); on Hasura Cloud it may have no effect',
    });
  }
  if (known.cloudValues && !known.cloudValues.includes(value.trim().toLowerCase())) {
    problems.push({ rule: 'hasura/cloud-managed', message: `can only be ${known.cloudValues.join(' or ')} on Hasura Cloud` });
  }
  return problems;
}

function isDefault(known: Variable, value: string): boolean {
  if (known.default === undefined) return false;
  if (known.type === 'bool') return parseBool(value) !== undefined && parseBool(value) === parseBool(known.default);
  return value.trim() === known.default;
}

const PREFIX = /^HASURA_/i;
const ENGINE_PREFIX = 'HASURA_GRAPHQL_';
const KNOWN_NAMES = KNOWN_VARIABLES.map((v) => v.name);
const KNOWN_SUFFIXES = KNOWN_NAMES.map((name) => name.slice(ENGINE_PREFIX.length));

/**
 * The engine reads only the names it knows (SERVE) and ignores the rest [I]; custom variables
 * are not to start with HASURA_ (REF). A HASURA_GRAPHQL_ name it does not know is a typo or a
 * setting that does nothing; another HASURA_ name is reported only when it is close to a known one.
 */
function unknownName(key: string): Problem[] {
  let problems = unknownNames.get(key);
  if (!problems) unknownNames.set(key, (problems = nameProblems(key)));
  return problems;
}

/** Names repeat across projects; suggesting one compares it with every known name. */
const unknownNames = new Map<string, Problem[]>();

function nameProblems(key: string): Problem[] {
  if (!PREFIX.test(key)) return [];
  const upper = key.toUpperCase();
  const engine = upper.startsWith(ENGINE_PREFIX);
  // The whole name catches a typo in the prefix (HASURA_GRAPHL_…); the part after it, a word left out (…_SECRET for …_ADMIN_SECRET).
  const whole = didYouMean(upper, KNOWN_NAMES);
  const part = didYouMean(upper.replace(/^HASURA_(GRAPHQL_?)?/, ''), KNOWN_SUFFIXES);
  const suggestion = whole ?? (part === undefined ? undefined : ENGINE_PREFIX + part);
  if (suggestion === key || (!engine && suggestion === undefined)) return [];
  const hint = suggestion ? ` — did you mean ${suggestion}?` : '; name your own variables without the HASURA_ prefix';
  return [{ rule: 'hasura/unknown-name', key, message: `is not a variable the engine reads, so it does nothing${hint}` }];
}
