import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const docs = new URL('..', import.meta.url).pathname;

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return ['node_modules', 'api', '.vitepress', 'public'].includes(e.name) ? [] : markdownFiles(p);
    return e.name.endsWith('.md') ? [p] : [];
  });
}

describe('code samples in the docs', () => {
  it('type-check against the packages as they are (a renamed API breaks this test, not the reader)', () => {
    const config = ts.getParsedCommandLineOfConfigFile(path.join(docs, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
    const files = config.fileNames.filter((f) => f.includes('/samples/'));
    expect(files.length).toBeGreaterThanOrEqual(5);
    const program = ts.createProgram(files, config.options);
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => `${d.file ? path.relative(docs, d.file.fileName) : ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    expect(diagnostics).toEqual([]);
  });

  it('every sample a page includes exists, and every sample is included by a page', () => {
    const included = new Set<string>();
    for (const file of markdownFiles(docs)) {
      for (const m of readFileSync(file, 'utf8').matchAll(/^<<< @\/samples\/([\w-]+\.ts)/gm)) included.add(m[1]!);
    }
    const samples = readdirSync(path.join(docs, 'samples')).filter((f) => f.endsWith('.ts'));
    expect([...included].sort()).toEqual(samples.sort());
  });

  it('pages show TypeScript only through included samples, so no unchecked API appears in a ts block', () => {
    const offenders = markdownFiles(docs).filter((f) => /```ts\b/.test(readFileSync(f, 'utf8')));
    expect(offenders.map((f) => path.relative(docs, f))).toEqual([]);
  });
});
