/**
 * Lists the exports of src/ that no other file uses (src/, test/, scripts/ or bench/): each is
 * dead, or should not be exported. A type that another export of its file names (the options of
 * an exported function) may stay exported, for callers to name. Exits 1 when it finds any.
 * Run by `npm run lint` (and alone with `npm run unused-exports`); it asks TypeScript's language
 * service for every reference, about 20 s.
 */
import { relative, resolve } from 'node:path';
import ts from 'typescript';

const root = resolve(import.meta.dirname, '..');
const config = ts.getParsedCommandLineOfConfigFile(
  resolve(root, 'tsconfig.json'),
  {},
  {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  },
)!;
const service = ts.createLanguageService({
  getScriptFileNames: () => config.fileNames,
  getScriptVersion: () => '1',
  getScriptSnapshot: (file) => {
    const text = ts.sys.readFile(file);
    return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text);
  },
  getCurrentDirectory: () => root,
  getCompilationSettings: () => config.options,
  getDefaultLibFileName: ts.getDefaultLibFilePath,
  fileExists: ts.sys.fileExists,
  readFile: ts.sys.readFile,
  readDirectory: ts.sys.readDirectory,
  directoryExists: ts.sys.directoryExists,
  getDirectories: ts.sys.getDirectories,
});
const program = service.getProgram()!;
const checker = program.getTypeChecker();

const unused: string[] = [];
for (const file of program.getSourceFiles()) {
  const name = relative(root, file.fileName);
  const module = checker.getSymbolAtLocation(file);
  if (!name.startsWith('src/') || !module) continue;
  for (const exported of checker.getExportsOfModule(module)) {
    const declaration = exported.declarations?.[0];
    // Re-exports (index.ts) are counted where they are declared.
    if (!declaration || declaration.getSourceFile() !== file) continue;
    const at = (ts.getNameOfDeclaration(declaration) ?? declaration).getStart();
    const references = (service.findReferences(file.fileName, at) ?? []).flatMap((r) => r.references);
    if (references.some((r) => r.fileName !== file.fileName)) continue;
    const isType = ts.isInterfaceDeclaration(declaration) || ts.isTypeAliasDeclaration(declaration);
    const namedByAnotherExport = references.some((r) => {
      if (r.isDefinition) return false;
      const statement = file.statements.find((s) => s.pos <= r.textSpan.start && r.textSpan.start < s.end);
      return statement !== undefined && statement !== (declaration as ts.Node) && isExported(statement);
    });
    if (!(isType && namedByAnotherExport)) unused.push(`${name}: ${exported.name}`);
  }
}

function isExported(statement: ts.Statement): boolean {
  return ts.canHaveModifiers(statement) && (ts.getModifiers(statement) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
}

if (unused.length > 0) {
  console.log(`Exported, but used by no other file (unexport or remove):\n${unused.map((u) => `  ${u}`).join('\n')}`);
  process.exitCode = 1;
}
