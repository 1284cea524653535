import { readFileSync } from 'node:fs';
import { packageFile } from './paths.js';

/** hcr's own version, from its package.json. */
export const HCR_VERSION: string = (JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as { version: string }).version;
