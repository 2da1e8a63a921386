// Starts `alexnet train` and sends `signal` once a checkpoint exists in the
// middle of an epoch (the exact-resume tests of the CPU and WebGPU backends).
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export async function interruptMidEpoch(cli: string, args: readonly string[], run: string, signal: NodeJS.Signals, env: NodeJS.ProcessEnv): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }> {
  const child = spawn(process.execPath, [cli, 'train', ...args, '--run', run], { env });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const dir = join(run, 'checkpoints');
  const timer = setInterval(() => {
    if (!existsSync(dir)) return;
    const mid = readdirSync(dir).filter((f) => f.endsWith('.json')).some((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')).position.stepInEpoch > 0);
    if (mid) {
      clearInterval(timer);
      child.kill(signal);
    }
  }, 5);
  return new Promise((resolve) => child.on('exit', (code, sig) => {
    clearInterval(timer);
    resolve({ code, signal: sig, out });
  }));
}
