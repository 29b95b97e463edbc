import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgress, extractProgress } from '../../src/cli/progress-bar.ts';

/** A terminal-like stream that keeps what was drawn. */
function terminal(isTTY = true): NodeJS.WriteStream & { text(): string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  }) as unknown as NodeJS.WriteStream & { text(): string };
  Object.assign(stream, { isTTY, columns: 120, text: () => chunks.join('') });
  return stream;
}

describe('progress bar', () => {
  it('shows reading the source per space, then applying', () => {
    const stream = terminal();
    const progress = createProgress(true, 50, stream);
    const report = extractProgress(progress);
    report(0, 80, 'SALES');
    report(40, 80, 'SALES');
    report(80, 80, 'SALES');
    report(0, 60, 'FINANCE');
    report(60, 60, 'FINANCE');
    progress.start(120);
    progress.update(120);
    progress.stop();
    const text = stream.text();
    expect(text).toMatch(/reading .* 80\/80 assets \(SALES\)/);
    expect(text).toMatch(/reading .* 60\/60 assets \(FINANCE\)/);
    expect(text).toMatch(/applying .* 120\/120 assets/);
  });

  it('draws nothing for short runs, in pipes or when disabled', () => {
    for (const [enabled, stream, total] of [
      [true, terminal(), 10],
      [true, terminal(false), 500],
      [false, terminal(), 500],
    ] as const) {
      const progress = createProgress(enabled, 50, stream);
      progress.start(total, 'reading');
      progress.update(total);
      progress.stop();
      expect(stream.text()).toBe('');
    }
  });
});
