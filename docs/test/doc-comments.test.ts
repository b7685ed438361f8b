import path from 'node:path';
import ts from 'typescript';
import { expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;
const packages = ['scheduler', 'mib', 'core', 'face-align', 'eval', 'cli'];

it('every public function and class of every package has a doc comment with an @example', () => {
  const config = ts.getParsedCommandLineOfConfigFile(path.join(root, 'docs/tsconfig.api.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
  const entries = packages.map((n) => path.join(root, 'packages', n, 'src/index.ts'));
  const program = ts.createProgram(entries, config.options);
  const checker = program.getTypeChecker();
  const missing: string[] = [];
  let checked = 0;
  for (const [i, entry] of entries.entries()) {
    const mod = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
    for (const exported of checker.getExportsOfModule(mod)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      if (!(symbol.flags & (ts.SymbolFlags.Function | ts.SymbolFlags.Class))) continue;
      checked += 1;
      const documented = ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim() !== '';
      const example = symbol.getJsDocTags(checker).some((t) => t.name === 'example');
      if (!documented || !example) missing.push(`@diffmac/${packages[i]}: ${exported.name}${documented ? ' (no @example)' : ' (no doc comment)'}`);
    }
  }
  expect(checked).toBeGreaterThan(300);
  expect(missing).toEqual([]);
}, 120_000);
