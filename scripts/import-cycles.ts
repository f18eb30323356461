/**
 * `npm run lint:cycles` (and the end of `npm run lint`): every import cycle among the project's own modules, type-only imports
 * included, and exit 1 if there is one. import-x/no-cycle (in ESLint) skips type-only imports by
 * design, since they vanish at run time; but a type cycle (shared/api.ts ↔ shared/wire.ts) still
 * ties two modules into one job, so this check counts it too. Prints `import cycles: N`.
 */
import { relative, resolve } from 'node:path';
import { components, edges, sourceFiles } from './lib/import-graph';

const ROOT = resolve(import.meta.dirname, '..');
const DIRS = ['shared', 'server', 'client', 'tests', 'scripts', 'bench', 'build'];

const files = sourceFiles(ROOT, DIRS);
const graph = new Map(files.map((f) => [f, edges(f)]));
const cycles = components(graph);
const rel = (p: string): string => relative(ROOT, p);
for (const scc of cycles) {
  const members = new Set(scc);
  console.log(`cycle of ${scc.length}:`);
  for (const from of scc) {
    for (const e of graph.get(from) ?? []) if (members.has(e.to)) console.log(`  ${rel(from)} -> ${rel(e.to)} (${e.kind})`);
  }
}
console.log(`import cycles: ${cycles.length}`);
process.exit(cycles.length > 0 ? 1 : 0);
