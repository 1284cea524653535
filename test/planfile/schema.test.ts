import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DELETION_REFUSALS } from '../../src/plan/types.js';
import { READABLE_FORMATS } from '../../src/planfile/format.js';
import { HASHING_SCHEME, newSalt, ValueHasher } from '../../src/planfile/hash.js';
import { PLAN_SCHEMA_FILE } from '../../src/planfile/schema.js';

const schema = JSON.parse(readFileSync(PLAN_SCHEMA_FILE, 'utf8'));

/** The schema states what the code writes and reads; these tie the two together. */
describe('schema/hcr.plan.schema.json', () => {
  it('names the formats this hcr reads and the one hashing scheme it uses', () => {
    expect(schema.properties.hcr_saved_plan.enum).toEqual([...READABLE_FORMATS]);
    expect(schema.properties.value_hashing.properties.scheme.const).toBe(HASHING_SCHEME);
  });

  it('takes the salts and hashes the code makes', async () => {
    const salt = newSalt();
    const hash = await new ValueHasher(salt).hash('shop-prod', 'HASURA_GRAPHQL_ADMIN_SECRET', 'value');
    expect(salt.toString('base64url')).toMatch(new RegExp(schema.properties.value_hashing.properties.salt.pattern));
    expect(hash.toString('base64url')).toMatch(new RegExp(schema.$defs.entry.properties.value_hash.pattern));
  });

  it('knows every reason a deletion is refused', () => {
    expect(schema.$defs.project.properties.refused.enum).toEqual(DELETION_REFUSALS);
  });
});
