// The baseline hcr's plan is compared with: what a naive script does. One lookup of every
// project, then one getTenantEnv per project, one request at a time.
// Usage: HASURA_CLOUD_ENDPOINT=... HASURA_CLOUD_ACCESS_TOKEN=... node sequential.mjs NAMES.json
import { readFileSync } from 'node:fs';

const endpoint = process.env.HASURA_CLOUD_ENDPOINT;
const headers = { 'content-type': 'application/json', authorization: `pat ${process.env.HASURA_CLOUD_ACCESS_TOKEN}` };
const names = JSON.parse(readFileSync(process.argv[2], 'utf8'));

async function graphql(query, variables) {
  const response = await fetch(endpoint, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  const body = await response.json();
  if (body.errors) throw new Error(body.errors[0].message);
  return body.data;
}

const { projects } = await graphql('query ($names: [String!]!) { projects(where: { name: { _in: $names } }) { name tenant { id } } }', { names });
let keys = 0;
for (const project of projects) {
  const { getTenantEnv } = await graphql('query ($id: uuid!) { getTenantEnv(tenantId: $id) { hash envVars } }', { id: project.tenant.id });
  keys += Object.keys(getTenantEnv.envVars.environment).length;
}
console.log(`${projects.length} projects, ${keys} keys`);
