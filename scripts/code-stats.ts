/**
 * `npm run stats`: the figures issue 10 asks to watch — largest files, longest functions and
 * import cycles over server/, shared/, client/ (TypeScript and Svelte). Prints a report; never
 * fails. Functions are measured with the TypeScript parser (a Svelte file's <script> counts as
 * TypeScript); cycles are strongly connected components of the relative-import graph.
 */
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import ts from 'typescript';
import { code, components, edges, sourceFiles } from './lib/import-graph';

const ROOTS = ['server', 'shared', 'client'];
const root = resolve(process.argv[2] ?? '.');

interface Fn {
  name: string;
  lines: number;
}

function functionsOf(file: string, src: string): Fn[] {
  const sf = ts.createSourceFile(file, src, ts.ScriptTarget.Latest, true);
  const fns: Fn[] = [];
  const lineOf = (pos: number): number => sf.getLineAndCharacterOfPosition(pos).line;
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body && ts.isBlock(node.body as ts.Node)) {
      const body = node.body as ts.Block;
      const named = (node as ts.FunctionDeclaration).name?.getText(sf);
      const parent = node.parent;
      const name = named ?? (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) ? parent.name.getText(sf) : '(anonymous)');
      fns.push({ name, lines: lineOf(body.end) - lineOf(node.getStart(sf)) + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return fns;
}

const files = sourceFiles(root, ROOTS).filter((f) => /\.(ts|svelte)$/.test(f));
const sizes: { file: string; lines: number }[] = [];
const fns: (Fn & { file: string })[] = [];
const graph = new Map<string, ReturnType<typeof edges>>();
for (const file of files) {
  const text = readFileSync(file, 'utf8');
  const rel = relative(root, file);
  sizes.push({ file: rel, lines: text.split('\n').length });
  for (const f of functionsOf(file, code(file))) fns.push({ ...f, file: rel });
  graph.set(file, edges(file));
}
sizes.sort((a, b) => b.lines - a.lines);
fns.sort((a, b) => b.lines - a.lines);
const total = sizes.reduce((s, f) => s + f.lines, 0);
const median = sizes.map((s) => s.lines).sort((a, b) => a - b)[Math.floor(sizes.length / 2)];
console.log(`${sizes.length} files, ${total} lines, median ${median}; over 250 lines: ${sizes.filter((s) => s.lines > 250).length}`);
console.log('\nLargest files:');
for (const s of sizes.slice(0, 10)) console.log(`  ${String(s.lines).padStart(5)}  ${s.file}`);
console.log(`\nLongest functions (${fns.filter((f) => f.lines > 60).length} over 60 lines):`);
for (const f of fns.slice(0, 10)) console.log(`  ${String(f.lines).padStart(5)}  ${f.file}  ${f.name}`);
const cyc = components(graph);
console.log(`\nImport cycles: ${cyc.length}`);
for (const c of cyc) console.log(`  ${c.map((f) => relative(root, f)).join(' ↔ ')}`);
