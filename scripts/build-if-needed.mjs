// Builds the client and the server bundle when dist/ is missing or older than the sources.
// Plain Node (no tsx), so `npm start` works from a production install that already has dist/.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

const outputs = ['dist/client/index.html', 'dist/server/main.js'];
const built = outputs.every((p) => existsSync(p)) ? Math.min(...outputs.map((p) => statSync(p).mtimeMs)) : 0;
const sources = Math.max(
  ...['client', 'server', 'shared', 'public', 'build', 'vite.config.ts', 'package-lock.json']
    .filter((p) => existsSync(p))
    .map((p) => (statSync(p).isDirectory() ? newest(p) : statSync(p).mtimeMs)),
);
if (built < sources) {
  if (!existsSync('node_modules/vite/bin/vite.js')) {
    process.stderr.write('dist/ is missing or stale and vite is not installed: run `npm install && npm run build`\n');
    process.exit(2);
  }
  process.stderr.write('building warroom (vite)...\n');
  execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
  execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '-c', 'vite.server.config.ts', '--logLevel', 'warn'], {
    stdio: 'inherit',
  });
}
