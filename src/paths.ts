/**
 * A file of the installed package (schema/, generated/, examples/, src/emulator/schema.graphql,
 * package.json), found from this module's place: one level below the package root both in src/
 * and in the bundle, whose chunks esbuild writes side by side into dist/ (scripts/build.ts).
 * Every runtime file is found through here, so that moving code between chunks cannot break a path.
 */
export function packageFile(path: string): URL {
  return new URL(`../${path}`, import.meta.url);
}
