// Runs moto_server and stays beside it as the leader of its process group, so nothing outlives the test run:
//   node scripts/moto-supervisor.mjs <parent pid> <moto_server path> [args...]
// - SIGTERM/SIGINT/SIGHUP to the group (or to this process) stop moto;
// - when the parent disappears without cleaning up (SIGKILL, a crash), moto is stopped within a second;
// - when moto exits by itself (port taken, bad install), this process exits with its code.
// Plain JavaScript on purpose: it must start with bare `node`, before any TypeScript loader.
import { spawn } from 'node:child_process';

const [parentArg, command, ...args] = process.argv.slice(2);
const parent = Number(parentArg);
if (!Number.isInteger(parent) || !command) {
  console.error('usage: moto-supervisor.mjs <parent pid> <command> [args...]');
  process.exit(2);
}

const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
child.on('error', (error) => {
  console.error(`cannot start ${command}: ${error.message}`);
  process.exit(127);
});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

let stopping = false;
function stop() {
  if (stopping) return;
  stopping = true;
  child.kill('SIGTERM');
  setTimeout(() => child.kill('SIGKILL'), 3000).unref();
}
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(signal, stop);

setInterval(() => {
  let alive = process.ppid === parent;
  try {
    process.kill(parent, 0);
  } catch {
    alive = false;
  }
  if (!alive) stop();
}, 500);
