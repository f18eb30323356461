/** What the figures were measured on: they mean little without the machine next to them. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { CLK_TCK } from './proc';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  redisServer: string;
  clockTicksPerS: number;
}

export function machineInfo(): MachineInfo {
  let cpuModel = cpus()[0]?.model ?? 'unknown';
  try {
    cpuModel = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpuModel;
  } catch {
    // keep os.cpus()'s answer
  }
  let redisServer = 'unknown';
  try {
    const v = execFileSync('redis-server', ['--version'], { encoding: 'utf8' });
    redisServer = /v=(\S+)/.exec(v)?.[1] ?? v.trim();
  } catch {
    // reported as unknown; phases needing Redis will fail on their own
  }
  return {
    cpuModel,
    cores: cpus().length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    redisServer,
    clockTicksPerS: CLK_TCK,
  };
}
