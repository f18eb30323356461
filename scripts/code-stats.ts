/**
 * `npm run stats`: the figures issue 10 asks to watch — largest files, longest functions and
 * import cycles over server/, shared/, client/ (TypeScript and Svelte). Prints a report; never
 * fails. Functions are measured with the TypeScript parser (a Svelte file's <script> counts as
 * TypeScript); cycles are strongly connected components of the relative-import graph.
 */
import { readdirSync, readFileSync, existsSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const ROOTS = ['server', 'shared', 'client'];
const root = resolve(process.argv[2] ?? '.');

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.(ts|svelte)$/.test(name) && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** The TypeScript of a file: all of a .ts file, the <script> blocks of a .svelte file. */
function scriptOf(file: string, text: string): string {
  if (!file.endsWith('.svelte')) return text;
  return [...text.matchAll(/<script[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]).join('\n');
}

interface Fn {
  name: string;
  lines: number;
}

function functionsOf(file: string, code: string): Fn[] {
  const sf = ts.createSourceFile(file, code, ts.ScriptTarget.Latest, true);
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

function importsOf(file: string, code: string): string[] {
  const out: string[] = [];
  for (const m of code.matchAll(/(?:import|export)\s[^'"]*?from\s*['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g)) {
    const spec = m[1] ?? m[2] ?? '';
    const base = resolve(dirname(file), spec);
    const hit = [base, `${base}.ts`, `${base}.svelte`, join(base, 'index.ts')].find((p) => existsSync(p) && statSync(p).isFile());
    if (hit) out.push(hit);
  }
  return out;
}

/** Tarjan's strongly connected components with more than one file (or a file importing itself). */
function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const found: string[][] = [];
  const strong = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(scc);
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) strong(v);
  return found;
}

const files = ROOTS.flatMap((r) => (existsSync(join(root, r)) ? walk(join(root, r)) : []));
const sizes: { file: string; lines: number }[] = [];
const fns: (Fn & { file: string })[] = [];
const graph = new Map<string, string[]>();
for (const file of files) {
  const text = readFileSync(file, 'utf8');
  const code = scriptOf(file, text);
  const rel = relative(root, file);
  sizes.push({ file: rel, lines: text.split('\n').length });
  for (const f of functionsOf(file, code)) fns.push({ ...f, file: rel });
  graph.set(file, importsOf(file, code));
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
const cyc = cycles(graph);
console.log(`\nImport cycles: ${cyc.length}`);
for (const c of cyc) console.log(`  ${c.map((f) => relative(root, f)).join(' ↔ ')}`);
