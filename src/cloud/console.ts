/**
 * Hasura Cloud's web console, where people look at projects. A project's page is addressed by its
 * project id, as the hasura-cloud-preview-apps GitHub Action reports it.
 */
const CONSOLE_ORIGIN = 'https://cloud.hasura.io';

export const CONSOLE_PROJECTS_URL = `${CONSOLE_ORIGIN}/projects`;

export const consoleUrl = (projectId: string): string => `${CONSOLE_ORIGIN}/project/${projectId}/console`;
