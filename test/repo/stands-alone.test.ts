import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CODE_DIRS = ['src', 'test', 'bench', 'scripts'];

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(full)));
    else if (/\.(ts|js|mjs|cjs|json|sh)$/.test(entry.name)) out.push(full);
  }
  return out;
}

/**
 * Every path literal that climbs with `..` is resolved against the file's own folder (for import.meta.url
 * URLs) and against the repository root (for path.resolve(REPO_ROOT, …)): neither may land outside the clone.
 */
function escapingPaths(file: string, text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/['"`]((?:\.\.\/)+[^'"`\s]*)['"`]/g)) {
    const literal = match[1] as string;
    const fromFile = path.resolve(path.dirname(file), literal);
    const fromRoot = path.resolve(REPO_ROOT, literal);
    const inside = (p: string) => p === REPO_ROOT || p.startsWith(REPO_ROOT + path.sep);
    // Relative imports resolve from the file; a literal is suspect only when both readings leave the repository.
    if (!inside(fromFile) && !inside(fromRoot)) found.push(literal);
  }
  // Spelled in two parts so that this file does not find itself.
  const sibling = ['shared', 'corpus'].join('/');
  if (text.includes(sibling)) found.push(sibling);
  return found;
}

describe('the repository stands alone', () => {
  it('no source, test, bench or script file reaches outside the clone', async () => {
    const offenders: string[] = [];
    for (const dir of CODE_DIRS) {
      for (const file of await filesUnder(path.join(REPO_ROOT, dir))) {
        const text = await readFile(file, 'utf8');
        for (const literal of escapingPaths(file, text)) offenders.push(`${path.relative(REPO_ROOT, file)}: ${literal}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('the corpus fixtures carry their licence notice', async () => {
    const notice = await readFile(path.join(REPO_ROOT, 'test/fixtures/corpus/NOTICE.md'), 'utf8');
    expect(notice).toMatch(/Apache-2\.0/);
    for (const file of await readdir(path.join(REPO_ROOT, 'test/fixtures/corpus/csn'))) expect(notice).toContain(file);
  });
});
