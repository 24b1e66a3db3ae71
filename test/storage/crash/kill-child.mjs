// The parent side of every SIGKILL crash test: spawns a child script, hands each line it prints
// to `onLine`, and kills it with SIGKILL `killAfterMs` after its start line ("S" or "S ...").
// Resolves once the child died of that SIGKILL; rejects if it exited any other way (its stderr
// in the message).
import { spawn } from 'node:child_process';

export function runKilledChild(script, args, killAfterMs, onLine) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args.map(String)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let buf = '';
    let err = '';
    let timer;
    child.stdout.on('data', (d) => {
      buf += d.toString();
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        onLine(line);
        if ((line === 'S' || line.startsWith('S ')) && !timer) timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      }
    });
    child.stderr.on('data', (d) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL') reject(new Error(`child exited with ${code}/${signal}: ${err}`));
      else resolve();
    });
  });
}
