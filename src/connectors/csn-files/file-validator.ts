import { hash } from 'node:crypto';
import type { Stats } from 'node:fs';

/**
 * The change signal of an export file, the way rsync's quick check decides a file has not changed without reading
 * it: its size and modification time, and its identity (device and inode), so a file replaced by another one of
 * the same size and time (a copy that kept the time, a rename over it) still counts as changed. Stored per asset as
 * the checkpoint's validator, naming the file the asset's definition was taken from and how many definitions
 * (assets, and definitions that failed) were taken from that file:
 *
 *   csn-file:3:<size>:<mtimeMs>:<dev>:<ino>:<definitions>:<digest>:<path relative to the export folder>
 *
 * The count is what lets a file go unread: only when the checkpoint holds an entry for every one of them. An asset
 * of the file that is not in the checkpoint (its write failed, or the run died before recording it), or a
 * definition that failed, makes the file be read again — so nothing it defines is ever left out of a run, and a
 * failure is reported every run until it is fixed. The path comes last, so it may hold any character.
 *
 * The digest (contentDigest) is rsync's --checksum for the same file: when the signature moved but the bytes did not
 * (an export written again, a fresh checkout: new times, new inodes, the same text), the file is read and hashed but
 * not parsed. Validators of the earlier form (`csn-file:2:`, no digest) are still understood: their quick check holds
 * as before, and a file whose signature moved is parsed once and gets a digest.
 */
export interface FileSignature {
  size: number;
  mtimeMs: number;
  dev: number;
  ino: number;
}

const PREFIX = 'csn-file:3:';
const PREFIX_V2 = 'csn-file:2:';

export function signatureOf(stats: Pick<Stats, 'size' | 'mtimeMs' | 'dev' | 'ino'>): FileSignature {
  return { size: stats.size, mtimeMs: stats.mtimeMs, dev: stats.dev, ino: stats.ino };
}

export function sameSignature(a: FileSignature, b: FileSignature): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.dev === b.dev && a.ino === b.ino;
}

/**
 * The first 128 bits of the SHA-256 of a file's bytes, base64url (22 characters, none of them a colon): what the file
 * held when its definitions were taken. 128 bits keep an accidental match out of reach at any catalog's size, and the
 * validator short — it is held per asset, in memory and in the checkpoint.
 */
export function contentDigest(bytes: Uint8Array): string {
  return hash('sha256', bytes, 'buffer').subarray(0, 16).toString('base64url');
}

const DIGEST = /^[A-Za-z0-9_-]{22}$/;

export function encodeFileValidator(file: string, signature: FileSignature, definitions: number, digest: string): string {
  return `${PREFIX}${signature.size}:${signature.mtimeMs}:${signature.dev}:${signature.ino}:${definitions}:${digest}:${file}`;
}

export interface DecodedFileValidator {
  file: string;
  signature: FileSignature;
  /** Definitions taken from the file when it was read. */
  definitions: number;
  /** contentDigest of the file then; absent in validators written before digests were. */
  digest?: string;
}

/** What a validator says; undefined for anything else (another source's, an older format). */
export function decodeFileValidator(validator: string | undefined): DecodedFileValidator | undefined {
  if (validator === undefined) return undefined;
  const withDigest = validator.startsWith(PREFIX);
  if (!withDigest && !validator.startsWith(PREFIX_V2)) return undefined;
  const parts: number[] = [];
  let at = (withDigest ? PREFIX : PREFIX_V2).length;
  for (let i = 0; i < 5; i++) {
    const colon = validator.indexOf(':', at);
    if (colon < 0) return undefined;
    const value = Number(validator.slice(at, colon));
    if (!Number.isFinite(value) || validator.slice(at, colon) === '') return undefined;
    parts.push(value);
    at = colon + 1;
  }
  let digest: string | undefined;
  if (withDigest) {
    const colon = validator.indexOf(':', at);
    if (colon < 0) return undefined;
    digest = validator.slice(at, colon);
    if (!DIGEST.test(digest)) return undefined;
    at = colon + 1;
  }
  const file = validator.slice(at);
  if (file === '') return undefined;
  const [size, mtimeMs, dev, ino, definitions] = parts as [number, number, number, number, number];
  return { file, signature: { size, mtimeMs, dev, ino }, definitions, ...(digest !== undefined ? { digest } : {}) };
}
