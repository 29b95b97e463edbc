import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { atomicWriteFile, isTempFileName } from '../../../src/connectors/file/atomic-write-file.ts';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'atomic-write-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('atomicWriteFile', () => {
  it('writes a new file and replaces an old one whole, leaving no temp file', async () => {
    const file = join(root, 'orders.json');
    await atomicWriteFile(file, '{"v":"ä"}\n');
    expect(await readFile(file, 'utf8')).toBe('{"v":"ä"}\n');
    const big = `${'x'.repeat(3 * 1024 * 1024)}😀`;
    await atomicWriteFile(file, big);
    expect(await readFile(file, 'utf8')).toBe(big);
    expect(await readdir(root)).toEqual(['orders.json']);
  });

  it('throws when the folder is missing', async () => {
    await expect(atomicWriteFile(join(root, 'missing', 'orders.json'), '{}')).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('leaves the old file and no temp file when the rename fails', async () => {
    // A folder where the file should go: the temp file is written, the rename over a folder fails.
    await mkdir(join(root, 'orders.json'));
    await writeFile(join(root, 'orders.json', 'inside'), 'kept');
    await expect(atomicWriteFile(join(root, 'orders.json'), '{}')).rejects.toThrow();
    expect((await readdir(root)).filter(isTempFileName)).toEqual([]);
    expect(await readFile(join(root, 'orders.json', 'inside'), 'utf8')).toBe('kept');
  });
});
