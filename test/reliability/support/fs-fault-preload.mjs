// Preloaded with `node --import` into a real CLI process: makes file-system calls on chosen paths fail the way a full
// disk (ENOSPC), a failing device (EIO) or a read-only folder (EACCES, EROFS) makes them fail — after the first N
// matching calls succeed. Everything else runs on the real file system, untouched.
//
//   FS_FAULT_PATHS  regular expression; a call fails only when its path matches (required, or nothing is injected)
//   FS_FAULT_CODE   ENOSPC | EIO | EACCES | EROFS (default ENOSPC)
//   FS_FAULT_OPS    comma list of: write (data written), fsync, rename (rename, link), create (open for writing,
//                   mkdir, copyFile), remove (rm, unlink) — default write
//   FS_FAULT_AFTER  matching calls that still succeed before the first failure (default 0)
//   FS_FAULT_TIMES  failures before calls succeed again (default: every one after AFTER)
//   FS_FAULT_LOG    file to which each injected failure is appended as "<op> <path>" (optional)
import { createRequire, syncBuiltinESMExports } from 'node:module';

const require = createRequire(import.meta.url);
const fs = require('node:fs');
const fsp = fs.promises;

const pattern = process.env.FS_FAULT_PATHS ? new RegExp(process.env.FS_FAULT_PATHS) : undefined;
const code = process.env.FS_FAULT_CODE ?? 'ENOSPC';
const ops = new Set((process.env.FS_FAULT_OPS ?? 'write').split(',').map((s) => s.trim()).filter(Boolean));
let after = Number(process.env.FS_FAULT_AFTER ?? 0);
let times = process.env.FS_FAULT_TIMES === undefined ? Infinity : Number(process.env.FS_FAULT_TIMES);
const logFile = process.env.FS_FAULT_LOG;
const originalAppendFileSync = fs.appendFileSync;
const originalExistsSync = fs.existsSync;

const MESSAGES = {
  ENOSPC: [-28, 'no space left on device'],
  EIO: [-5, 'i/o error'],
  EACCES: [-13, 'permission denied'],
  EROFS: [-30, 'read-only file system'],
};

function pathOf(value) {
  if (typeof value === 'string') return value;
  if (value instanceof URL) return value.pathname;
  if (Buffer.isBuffer(value)) return value.toString();
  return undefined;
}

/** Whether this call fails: its op is chosen, its path matches, and the first AFTER matching calls have passed. */
function shouldFail(op, file) {
  if (!pattern || !ops.has(op) || file === undefined || !pattern.test(file)) return false;
  if (after > 0) {
    after -= 1;
    return false;
  }
  if (times <= 0) return false;
  times -= 1;
  if (logFile) originalAppendFileSync(logFile, `${op} ${file}\n`);
  return true;
}

function fault(syscall, file) {
  const [errno, text] = MESSAGES[code] ?? [-5, 'i/o error'];
  const error = new Error(`${code}: ${text}, ${syscall}${file && syscall !== 'write' && syscall !== 'fsync' ? ` '${file}'` : ''}`);
  error.errno = errno;
  error.code = code;
  error.syscall = syscall;
  if (syscall !== 'write' && syscall !== 'fsync') error.path = file;
  return error;
}

const isWriteFlag = (flags) => flags !== undefined && flags !== 'r' && flags !== 0 && !(typeof flags === 'number' && (flags & 3) === 0);

// Which path each open FileHandle (promises) and descriptor (callback/sync API) belongs to.
const handlePaths = new WeakMap();
const renamed = new Map();
const fdPaths = new Map();

function wrapAsync(object, name, op, pathArg = 0, syscall = name) {
  const original = object[name];
  if (typeof original !== 'function') return;
  object[name] = async function (...args) {
    const file = pathOf(args[pathArg]);
    if (shouldFail(op, file)) throw fault(syscall, file);
    return original.apply(this, args);
  };
}

function wrapSync(object, name, op, pathArg = 0, syscall = name.replace(/Sync$/, '')) {
  const original = object[name];
  if (typeof original !== 'function') return;
  object[name] = function (...args) {
    const file = typeof args[pathArg] === 'number' ? fdPaths.get(args[pathArg]) : pathOf(args[pathArg]);
    if (shouldFail(op, file)) throw fault(syscall, file);
    return original.apply(this, args);
  };
}

// --- promises API
const originalOpen = fsp.open;
fsp.open = async function (file, flags, mode) {
  const p = pathOf(file);
  if (isWriteFlag(flags) && shouldFail('create', p)) throw fault('open', p);
  const handle = await originalOpen.call(this, file, flags, mode);
  renamed.delete(p);
  handlePaths.set(handle, p);
  return handle;
};
wrapAsync(fsp, 'writeFile', 'write', 0, 'write');
wrapAsync(fsp, 'appendFile', 'write', 0, 'write');
wrapAsync(fsp, 'rename', 'rename', 1);
// A handle opened under a temp name writes to the file it was renamed to.
const renameAfterFault = fsp.rename;
fsp.rename = async function (from, to) {
  await renameAfterFault.call(this, from, to);
  renamed.set(pathOf(from), pathOf(to));
};
wrapAsync(fsp, 'link', 'rename', 1);
wrapAsync(fsp, 'copyFile', 'create', 1, 'copyfile');
// mkdir of a folder that exists (recursive) succeeds on a full disk and in a read-only folder alike.
const originalMkdir = fsp.mkdir;
fsp.mkdir = async function (folder, options) {
  const p = pathOf(folder);
  if (!(options?.recursive && p !== undefined && originalExistsSync(p)) && shouldFail('create', p)) throw fault('mkdir', p);
  return originalMkdir.call(this, folder, options);
};
wrapAsync(fsp, 'truncate', 'write', 0, 'write');
wrapAsync(fsp, 'rm', 'remove', 0);
wrapAsync(fsp, 'unlink', 'remove', 0);

// FileHandle methods: the prototype is reached through one handle opened here.
const probe = await originalOpen(new URL(import.meta.url), 'r');
const FileHandle = Object.getPrototypeOf(probe);
await probe.close();
for (const [name, op, syscall] of [
  ['write', 'write', 'write'],
  ['writeFile', 'write', 'write'],
  ['appendFile', 'write', 'write'],
  ['writev', 'write', 'write'],
  ['truncate', 'write', 'write'],
  ['sync', 'fsync', 'fsync'],
  ['datasync', 'fsync', 'fsync'],
]) {
  const original = FileHandle[name];
  if (typeof original !== 'function') continue;
  FileHandle[name] = async function (...args) {
    const opened = handlePaths.get(this);
    const file = renamed.get(opened) ?? opened;
    if (shouldFail(op, file)) throw fault(syscall, file);
    return original.apply(this, args);
  };
}

// --- sync API (lock files, logs)
const originalOpenSync = fs.openSync;
fs.openSync = function (file, flags, mode) {
  const p = pathOf(file);
  if (isWriteFlag(flags) && shouldFail('create', p)) throw fault('open', p);
  const fd = originalOpenSync.call(this, file, flags, mode);
  if (p !== undefined) fdPaths.set(fd, p);
  return fd;
};
const originalCloseSync = fs.closeSync;
fs.closeSync = function (fd) {
  fdPaths.delete(fd);
  return originalCloseSync.call(this, fd);
};
wrapSync(fs, 'writeFileSync', 'write', 0, 'write');
wrapSync(fs, 'appendFileSync', 'write', 0, 'write');
wrapSync(fs, 'writeSync', 'write', 0, 'write');
wrapSync(fs, 'fsyncSync', 'fsync', 0, 'fsync');
wrapSync(fs, 'renameSync', 'rename', 1);
wrapSync(fs, 'linkSync', 'rename', 1);
const originalMkdirSync = fs.mkdirSync;
fs.mkdirSync = function (folder, options) {
  const p = pathOf(folder);
  if (!(options?.recursive && p !== undefined && originalExistsSync(p)) && shouldFail('create', p)) throw fault('mkdir', p);
  return originalMkdirSync.call(this, folder, options);
};
wrapSync(fs, 'rmSync', 'remove', 0);
wrapSync(fs, 'unlinkSync', 'remove', 0);

syncBuiltinESMExports();
