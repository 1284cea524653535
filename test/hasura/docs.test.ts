import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { README_FILE, readmeWithTable, schemaWithChecks } from '../../scripts/hasura-rules.js';
import { SCHEMA_FILE } from '../../src/config/schema.js';
import { RULE_IDS } from '../../src/hasura/rules.js';

// When one of these fails, run `node --import tsx scripts/hasura-rules.ts` and review the diff.
describe('the rule registry is the one source of', () => {
  it("the README's table of Hasura checks", () => {
    const readme = readFileSync(README_FILE, 'utf8');
    expect(readmeWithTable(readme)).toBe(readme);
    for (const id of RULE_IDS) expect(readme).toContain(`| \`${id}\` |`);
  });

  it("the schema's checks, so that editors complete rule ids", async () => {
    const schema = readFileSync(SCHEMA_FILE, 'utf8');
    expect(await schemaWithChecks(schema)).toBe(schema);
    expect(Object.keys(JSON.parse(schema).$defs.checks.properties)).toEqual(RULE_IDS);
  });
});
