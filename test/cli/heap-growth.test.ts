import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { HEAP_GROWING_PERCENT, boundHeapGrowth } from '../../src/cli/heap-growth.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');

describe('boundHeapGrowth', () => {
  it('uses a V8 flag this Node knows (an unknown one would be reported on stdout, into --json output)', () => {
    const options = spawnSync(process.execPath, ['--v8-options'], { encoding: 'utf8' });
    expect(options.status).toBe(0);
    expect(options.stdout).toMatch(/^\s*--heap-growing-percent\b/m);
  });

  it('sets the growth in a real CLI process and prints nothing doing so', () => {
    const module = pathToFileURL(path.join(repoRoot, 'dist/cli/heap-growth.js')).href;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(module)}); process.stdout.write(String(m.boundHeapGrowth()));`], { encoding: 'utf8' });
    expect(child.stderr).toBe('');
    expect(child.stdout).toBe(String(HEAP_GROWING_PERCENT));
  });

  it('leaves a growth given on the node command line alone', () => {
    expect(boundHeapGrowth(['--heap-growing-percent=20'])).toBeUndefined();
    expect(boundHeapGrowth(['--heap_growing_percent', '20'])).toBeUndefined();
    expect(boundHeapGrowth(['--max-old-space-size=4096'])).toBe(HEAP_GROWING_PERCENT);
  });
});
