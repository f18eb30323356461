/**
 * Makes sure the system programs warroom runs with are present: on Debian/Ubuntu as root they
 * are installed with apt-get; elsewhere the exact install command is printed and we exit non-zero.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface SystemDep {
  /** Program looked up on PATH (or an absolute path). */
  command: string;
  /** Debian package that provides it. */
  aptPackage: string;
}

export const REDIS: SystemDep = { command: 'redis-server', aptPackage: 'redis-server' };
/**
 * `redis-cli --cluster create` joins the test and demo clusters. Debian's redis-server depends on
 * redis-tools, so an apt-installed server brings it; a server installed otherwise may not.
 */
export const REDIS_CLI: SystemDep = { command: 'redis-cli', aptPackage: 'redis-tools' };
export const CHROMIUM: SystemDep = { command: '/usr/bin/chromium', aptPackage: 'chromium' };

function present(cmd: string): boolean {
  if (cmd.startsWith('/')) return existsSync(cmd);
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** Installs what is missing, or prints how to and exits with status 3. */
export function ensureSystemDeps(deps: SystemDep[], who: string): void {
  const missing = deps.filter((d) => !present(d.command));
  if (missing.length === 0) return;
  const pkgs = missing.map((d) => d.aptPackage);
  const canApt = process.getuid?.() === 0 && existsSync('/etc/debian_version') && present('apt-get');
  if (!canApt) {
    process.stderr.write(
      `${who}: missing ${missing.map((d) => d.command).join(', ')}.\n` +
        `Install with:  sudo apt-get update && sudo apt-get install -y ${pkgs.join(' ')}\n` +
        `(on macOS: brew install redis, and a Chromium at /usr/bin/chromium or CHROMIUM_PATH)\n`,
    );
    process.exit(3);
  }
  process.stderr.write(`${who}: installing ${pkgs.join(' ')} with apt-get (about 30-60 s, once)\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 'ignore', 'inherit'], env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...pkgs], { stdio: ['ignore', 'ignore', 'inherit'], env });
  const still = missing.filter((d) => !present(d.command));
  if (still.length > 0) {
    process.stderr.write(`${who}: apt-get finished but ${still.map((d) => d.command).join(', ')} is still missing\n`);
    process.exit(3);
  }
}
