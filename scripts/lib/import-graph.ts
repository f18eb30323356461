/**
 * The project's own modules as a graph: source files under the given folders, the TypeScript of
 * each (a .svelte file's <script> blocks), its relative imports with their kind, and the cycles
 * (strongly connected components). Used by `npm run lint:cycles` and `npm run stats`.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import ts from 'typescript';

const SOURCE = /\.(ts|svelte|js|mjs)$/;
/** How an import specifier maps to a file: as written, or with the extension the bundler adds. */
const TRY = ['', '.ts', '.svelte', '.js', '.mjs', '/index.ts'];

export type Kind = 'runtime' | 'type' | 'dynamic';
export interface Edge {
  to: string;
  kind: Kind;
}

export function walk(dir: string, out: string[]): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (name === 'node_modules' || name.startsWith('.')) continue;
    if (statSync(p).isDirectory()) walk(p, out);
    else if (SOURCE.test(name) && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** The script of a .svelte file (instance and module), or the whole file for the others. */
export function code(file: string): string {
  const text = readFileSync(file, 'utf8');
  if (!file.endsWith('.svelte')) return text;
  return [...text.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]).join('\n');
}

function target(from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  const base = resolve(dirname(from), spec);
  for (const ext of TRY) {
    const p = base + ext;
    if (existsSync(p) && statSync(p).isFile()) return p;
  }
  return null;
}

export function edges(file: string): Edge[] {
  const src = ts.createSourceFile(file, code(file), ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const out: Edge[] = [];
  const add = (spec: ts.Node | undefined, kind: Kind): void => {
    const to = spec && ts.isStringLiteral(spec) ? target(file, spec.text) : null;
    if (to) out.push({ to, kind });
  };
  const visit = (n: ts.Node): void => {
    if (ts.isImportDeclaration(n)) {
      const c = n.importClause;
      const named = c?.namedBindings && ts.isNamedImports(c.namedBindings) ? c.namedBindings.elements : undefined;
      const typeOnly = !!c && (c.isTypeOnly || (!c.name && !!named && named.length > 0 && named.every((e) => e.isTypeOnly)));
      add(n.moduleSpecifier, typeOnly ? 'type' : 'runtime');
    } else if (ts.isExportDeclaration(n)) add(n.moduleSpecifier, n.isTypeOnly ? 'type' : 'runtime');
    else if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.ImportKeyword) add(n.arguments[0], 'dynamic');
    else if (ts.isImportTypeNode(n) && ts.isLiteralTypeNode(n.argument)) add(n.argument.literal, 'type');
    ts.forEachChild(n, visit);
  };
  visit(src);
  return out;
}

/** Tarjan's strongly connected components: each component of more than one module is a cycle. */
export function components(graph: Map<string, Edge[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const connect = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const { to } of graph.get(v) ?? []) {
      if (!index.has(to)) {
        connect(to);
        low.set(v, Math.min(low.get(v)!, low.get(to)!));
      } else if (onStack.has(to)) low.set(v, Math.min(low.get(v)!, index.get(to)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const scc: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      scc.push(w);
    } while (w !== v);
    if (scc.length > 1 || (graph.get(v) ?? []).some((e) => e.to === v)) found.push(scc.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) connect(v);
  return found;
}

/** Every source file under `dirs` (relative to `root`) that exists. */
export function sourceFiles(root: string, dirs: readonly string[]): string[] {
  return dirs.filter((d) => existsSync(join(root, d))).flatMap((d) => walk(join(root, d), []));
}
