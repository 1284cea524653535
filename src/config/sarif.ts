import { RULES, type Level, type Rule } from '../hasura/rules.js';
import { sortDiagnostics } from './diagnostics.js';
import type { Diagnostic } from './types.js';

/** The rule of every problem of the desired-state file itself (YAML, schema, references): no check found it. */
const FILE_RULE = 'hcr/desired-state';

const SARIF_LEVEL: Record<Level, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

export interface SarifOptions {
  version: string;
  /** The artifact URI of a diagnostic's file: relative to the repository's root, for code scanning. */
  uri(file: string): string;
}

/**
 * A SARIF 2.1.0 log of the diagnostics of one `hcr validate`, as GitHub code scanning reads it:
 * the rules (every Hasura check, and one for the file's own problems) with their descriptions and
 * help, the results with rule, level, message and the file, line and column.
 * https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
 */
export function sarifLog(diagnostics: readonly Diagnostic[], options: SarifOptions): object {
  const rules = [fileRule(), ...[...RULES.values()].map(ruleDescriptor)];
  const index = new Map(rules.map((rule, i) => [rule.id, i]));
  const results = sortDiagnostics(diagnostics).map((d) => {
    const ruleId = d.rule ?? FILE_RULE;
    return {
      ruleId,
      ruleIndex: index.get(ruleId)!,
      level: SARIF_LEVEL[d.severity ?? 'error'],
      message: { text: d.message },
      ...(d.at && {
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: options.uri(d.at.file) },
              region: { startLine: d.at.line, startColumn: d.at.col },
            },
          },
        ],
      }),
    };
  });
  return {
    $schema: 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'hcr', fullName: 'hcr (hasura-cloud-reconciler)', version: options.version, rules } },
        // Columns come from the YAML parser's offsets in the decoded text: UTF-16 code units.
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
}

function ruleDescriptor(rule: Rule) {
  const sources = rule.sources.map((s) => `[${s.label}](${s.url})`).join(', ');
  return {
    id: rule.id,
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.description },
    help: { text: rule.help, markdown: `${rule.help}\n\nSource: ${sources}` },
    helpUri: rule.sources[0]!.url,
    defaultConfiguration: { level: SARIF_LEVEL[rule.level], enabled: rule.group !== 'production' },
    properties: { tags: ['hasura', rule.group] },
  };
}

function fileRule() {
  return {
    id: FILE_RULE,
    shortDescription: { text: 'The desired-state file is not valid' },
    fullDescription: { text: 'YAML syntax, the schema of the file (hcr schema), or a reference between files or projects is wrong.' },
    help: { text: 'Fix the file at the place the message names; hcr makes no request until every file is valid.' },
    defaultConfiguration: { level: 'error' as const },
  };
}
