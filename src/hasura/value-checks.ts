import { didYouMean, quoteList } from '../util/words.js';
import type { EnvEntry } from './env.js';
import { checkJwtSecret, checkJwtSecrets } from './jwt.js';
import type { Problem } from './rules.js';
import { BOOLEAN_WORDS, parseBool, parseDouble, parseInteger, parseJson, splitList } from './values.js';
import type { Variable } from './variables.js';

type ValueProblem = Omit<Problem, 'key' | 'weak'>;

/** How a message shows a value: quoted when it may be shown, else not at all. */
function quote(variable: Variable, entry: EnvEntry, text = entry.value): string | undefined {
  if (variable.secret || entry.sensitive) return undefined;
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text);
}

/**
 * Values repeat across projects (defaults, a JWT secret shared by a fleet): each is read once per
 * run. The memo holds values only in memory, where they already are, and is emptied when full.
 */
const memo = new Map<string, readonly ValueProblem[]>();
const MEMO_SIZE = 1000;

/** Whether the engine can read `entry` as `variable` (ENV's FromEnv instance for its type). */
export function checkValue(variable: Variable, entry: EnvEntry): readonly ValueProblem[] {
  const id = `${variable.name}\u0000${entry.sensitive ? 's' : 'p'}\u0000${entry.value}`;
  let problems = memo.get(id);
  if (!problems) {
    if (memo.size >= MEMO_SIZE) memo.clear();
    problems = readValue(variable, entry);
    memo.set(id, problems);
  }
  return problems;
}

function readValue(variable: Variable, entry: EnvEntry): ValueProblem[] {
  const shown = quote(variable, entry) ?? 'the value';
  const text = entry.value;
  switch (variable.type) {
    case 'bool':
      return parseBool(text) === undefined ? [{ rule: 'hasura/bool', message: boolMessage(shown, quote(variable, entry) && text) }] : [];
    case 'int':
    case 'nonneg-int':
    case 'positive-int':
    case 'port':
      return numberProblems(variable, text, shown);
    case 'nonneg-seconds': {
      const seconds = parseDouble(text);
      if (seconds === undefined)
        return [{ rule: 'hasura/number', message: `${shown} is not a number of seconds the engine reads (e.g. 600 or 2.5)` }];
      return seconds >= 0 ? [] : [{ rule: 'hasura/number', message: `${shown} is negative; the engine takes 0 or more seconds` }];
    }
    case 'enum':
      return enumProblems(variable, text, shown);
    case 'csv-enum':
      return listProblems(variable, entry);
    case 'cors':
      return corsProblems(variable, entry);
    case 'json': {
      const parsed = parseJson(text);
      return 'problem' in parsed ? [{ rule: 'hasura/json', message: parsed.problem }] : [];
    }
    case 'jwt':
    case 'jwt-list': {
      const parsed = parseJson(text);
      if ('problem' in parsed) return [{ rule: 'hasura/json', message: parsed.problem }];
      return variable.type === 'jwt' ? checkJwtSecret(parsed.json) : checkJwtSecrets(parsed.json);
    }
    case 'admin-secrets':
      return adminSecretsOk(text)
        ? []
        : [{ rule: 'hasura/admin-secrets', message: 'is not a JSON array of strings, e.g. ["secret-1","secret-2"]' }];
    case 'role':
      return text === ''
        ? [{ rule: 'hasura/empty-role', message: 'is empty; the engine refuses an empty role name (empty string not allowed)' }]
        : [];
    case 'url':
    case 'string':
      return [];
  }
}

function boolMessage(shown: string, visible: string | false | undefined): string {
  const base = `${shown} is not a boolean the engine reads (${BOOLEAN_WORDS.join(', ')}, in any case); it exits at startup on anything else`;
  if (!visible) return base;
  const meant = /^(1|on|enabled?)$/i.test(visible) ? 'true' : /^(0|off|disabled?)$/i.test(visible) ? 'false' : undefined;
  if (meant) return `${base} — write "${meant}"`;
  if (parseBool(visible.trim()) !== undefined) return `${base} — remove the spaces around it`;
  return base;
}

const NUMBER_NOUN: Record<string, string> = {
  int: 'a whole number',
  'nonneg-int': 'a whole number of 0 or more',
  'positive-int': 'a whole number of 1 or more',
  port: 'a port number (0 to 65535)',
};

/** ENV: `readMaybe` Int, then the refinement of the type (non-negative, positive, a port) [F]. */
function numberProblems(variable: Variable, text: string, shown: string): ValueProblem[] {
  const noun = NUMBER_NOUN[variable.type]!;
  const n = parseInteger(text);
  if (n === undefined) {
    const hint = /^\s*[-+]?\d+(\.\d+)?(e\d+)?\s*[a-z]+\s*$/i.test(text)
      ? ' — write the number alone, without a unit'
      : /[.eE]/.test(text) && parseDouble(text) !== undefined
        ? ' — write it as a whole number, without a fraction or exponent'
        : '';
    return [{ rule: 'hasura/number', message: `${shown} is not ${noun} the engine reads${hint}` }];
  }
  const tooLow = (variable.type === 'nonneg-int' || variable.type === 'port') && n < 0n;
  const notPositive = variable.type === 'positive-int' && n < 1n;
  const tooHigh = variable.type === 'port' && n > 65535n;
  return tooLow || notPositive || tooHigh ? [{ rule: 'hasura/number', message: `${shown} is out of range: the engine takes ${noun}` }] : [];
}

/** ENV: AUTH_HOOK_MODE exactly "GET" or "POST"; LOG_LEVEL `toLower . strip` [F]; the others in any case [I]. */
function enumProblems(variable: Variable, text: string, shown: string): ValueProblem[] {
  const values = variable.values!;
  if (variable.exact ? values.includes(text) : values.includes(text.trim().toLowerCase())) return [];
  const near = values.find((v) => v.toLowerCase() === text.trim().toLowerCase());
  const guess = near ?? didYouMean(text.trim(), values);
  const exactly = variable.exact ? ' (exactly so, in capitals)' : '';
  return [{ rule: 'hasura/enum', message: `${shown} is not ${quoteList(values)}${exactly}${guess ? ` — did you mean "${guess}"?` : ''}` }];
}

/** ENV: each item, trimmed, must be a known one, in any case; an empty item is refused too [F]. */
function listProblems(variable: Variable, entry: EnvEntry): ValueProblem[] {
  const values = variable.values!;
  const problems: ValueProblem[] = [];
  const items = splitList(entry.value);
  if (items.some((item) => item === '')) {
    const what =
      entry.value.trim() === '' ? 'is empty, which the engine reads as one empty item' : 'has an empty item (a trailing or doubled comma?)';
    problems.push({ rule: 'hasura/list', message: `${what}; it accepts ${quoteList(values)}` });
  }
  for (const item of items) {
    const lower = item.toLowerCase();
    if (item === '' || values.includes(lower)) continue;
    const shown = quote(variable, entry, item) ?? 'one of the items';
    const guess = didYouMean(lower, [...values, ...(variable.someVersions ?? [])]);
    const hint = guess ? ` — did you mean "${guess}"?` : '';
    if (variable.someVersions?.includes(lower)) {
      problems.push({
        rule: 'hasura/version-dependent',
        message: `${shown} is accepted by some engine versions or editions only; the others refuse to start`,
      });
    } else if (variable.open) {
      problems.push({
        rule: 'hasura/version-dependent',
        message: `${shown} is not one the open-source engine knows (${quoteList(values)}); unless this project's version or edition does, it refuses to start${hint}`,
      });
    } else {
      problems.push({ rule: 'hasura/list', message: `${shown} is not one of ${quoteList(values)}; the engine refuses to start${hint}` });
    }
  }
  return problems;
}

/**
 * CORS `readCorsDomains` [F]: exactly `*`, or origins split on commas and trimmed, each
 * `scheme://` then an optional `*.`, a host and an optional port; any scheme of letters, digits,
 * `+`, `.` and `-` (custom schemes since #5818). What follows the host is not refused, but an
 * origin never has a path, so such an entry never matches [I].
 */
function corsProblems(variable: Variable, entry: EnvEntry): ValueProblem[] {
  if (entry.value === '*') return [];
  if (entry.value.trim() === '') {
    return [
      {
        rule: 'hasura/cors-empty',
        message: 'is empty: the reference says this blocks every other domain, the parser refuses it as an empty origin',
      },
    ];
  }
  return splitList(entry.value).flatMap((origin): ValueProblem[] => {
    const shown = quote(variable, entry, origin) ?? 'one of the origins';
    const scheme = /^[A-Za-z0-9+.-]+:\/\//.exec(origin);
    if (!scheme) {
      const hint =
        origin === '*'
          ? ' — * allows every origin only alone, not in a list'
          : origin === ''
            ? ' (an empty item: a trailing or doubled comma?)'
            : origin.includes('://')
              ? ''
              : ' — add the scheme, e.g. https://';
      return [
        {
          rule: 'hasura/cors-domain',
          message: `${shown} is not an origin the engine reads (scheme://host[:port]); it refuses to start${hint}`,
        },
      ];
    }
    const host = origin.slice(scheme[0].length).replace(/^\*\./, '');
    return /[/?#]/.test(host)
      ? [
          {
            rule: 'hasura/cors-path',
            message: `${shown} has a path; a browser's origin never does, so this entry matches no request — drop the path`,
          },
        ]
      : [];
  });
}

function adminSecretsOk(text: string): boolean {
  const parsed = parseJson(text);
  return 'json' in parsed && Array.isArray(parsed.json) && parsed.json.every((s) => typeof s === 'string');
}
