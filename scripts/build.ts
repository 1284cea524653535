/**
 * `npm run build`: compiles the schemas' validators (scripts/compile-schema.ts), then bundles hcr
 * with esbuild into dist/: `hcr.js` (the package's bin) and `emulator.js` (the emulator, for the
 * bench), ES modules whose dependencies are bundled in, and one chunk per command, loaded when
 * that command runs. Every output is directly in dist/, one level below the package root, which
 * is where src/paths.ts finds the runtime files from. Source maps (without the sources) keep stack
 * traces pointing into src/.
 */
import { cpSync, readFileSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { compileSchemas } from './compile-schema.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = `${ROOT}dist`;

/**
 * yargs finds its translations (`Options:`, `Show help` in the user's language) three levels above
 * its own file; from a chunk in dist/ that is outside the package. They are copied beside the
 * chunks and looked up there. The build fails if yargs no longer has that line.
 */
const yargsLocales: Plugin = {
  name: 'yargs-locales',
  setup(b) {
    b.onLoad({ filter: /[\\/]yargs[\\/]lib[\\/]platform-shims[\\/]esm\.mjs$/ }, ({ path }) => {
      const source = readFileSync(path, 'utf8');
      const lookup = "resolve(__dirname, '../../../locales')";
      if (!source.includes(lookup)) throw new Error(`${path} no longer finds its locales with ${lookup}: update scripts/build.ts`);
      return { contents: source.replace(lookup, "fileURLToPath(new URL('./yargs-locales/', import.meta.url))"), loader: 'js' };
    });
    b.onEnd(() => cpSync(`${ROOT}node_modules/yargs/locales`, `${OUT}/yargs-locales`, { recursive: true }));
  },
};

/**
 * Characters each copy of string-width that hcr bundles counts as one column (test/build.test.ts
 * checks every one against each installed copy): printable ASCII, Latin-1 but for ©, ® and the soft
 * hyphen, the dashes, quotes, bullets and ellipsis of General Punctuation, ←↑→↓, and the
 * mathematical operators (≤, ×'s neighbours). hcr's help is written in these.
 */
export const ONE_COLUMN = /^[\x20-\x7E\xA0-\xA8\xAA-\xAC\xAF-\xFF\u2010-\u2027\u2190-\u2193\u2200-\u22FF]*$/;

/**
 * string-width, which yargs, cliui and wrap-ansi lay out help with, sets itself up as it loads (an
 * Intl.Segmenter and regular expressions of Unicode properties: some 40 ms of every run), and yargs
 * lays out a command's help on every run. A text of ONE_COLUMN characters is as wide as it is long,
 * so each import of string-width gets a stand-in that answers those at once and loads the version
 * that the importer asked for the first time anything else is measured.
 */
const lazyStringWidth: Plugin = {
  name: 'lazy-string-width',
  setup(b) {
    b.onResolve({ filter: /^string-width$/ }, async ({ importer, resolveDir, kind, pluginData }) => {
      if (pluginData === 'stand-in') return undefined;
      const real = await b.resolve('string-width', { importer, resolveDir, kind, pluginData: 'stand-in' });
      if (real.errors.length > 0) return { errors: real.errors };
      return { path: real.path, namespace: 'lazy-string-width' };
    });
    b.onLoad({ filter: /.*/, namespace: 'lazy-string-width' }, ({ path }) => ({
      resolveDir: dirname(path),
      loader: 'js',
      contents: `
        let measure;
        export default function stringWidth(text, options) {
          if (typeof text === 'string' && options?.ambiguousIsNarrow !== false && ${ONE_COLUMN}.test(text)) return text.length;
          measure ??= require(${JSON.stringify(path)}).default;
          return measure(text, options);
        }`,
    }));
  },
};

export async function bundle(): Promise<void> {
  // Chunk names change with their content: stale ones must not be packed with the new.
  rmSync(OUT, { recursive: true, force: true });
  await build({
    absWorkingDir: ROOT,
    entryPoints: { hcr: 'src/cli/bin.ts', emulator: 'src/emulator/index.ts' },
    outdir: OUT,
    chunkNames: '[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20.19',
    // ES modules where a package has both, so that esbuild can leave out what hcr does not use.
    mainFields: ['module', 'main'],
    // CommonJS dependencies (yaml, graphql's, ajv's) call require(), which ES modules do not have.
    banner: {
      js: "import { createRequire as __hcrCreateRequire } from 'node:module'; const require = __hcrCreateRequire(import.meta.url);",
    },
    sourcemap: 'linked',
    sourcesContent: false,
    legalComments: 'linked',
    logLevel: 'warning',
    plugins: [yargsLocales, lazyStringWidth],
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await compileSchemas();
  await bundle();
}
