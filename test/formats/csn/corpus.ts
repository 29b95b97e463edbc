import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** The real Datasphere exports, copied into the repository (test/fixtures/corpus, see its NOTICE.md). */
export const CORPUS_DIR = fileURLToPath(new URL('../../fixtures/corpus/csn', import.meta.url));

export function corpusFiles(): string[] {
  return readdirSync(CORPUS_DIR)
    .filter((name) => name.endsWith('.json'))
    .sort();
}

export function readCorpus(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(CORPUS_DIR, file), 'utf8')) as Record<string, unknown>;
}

/** The raw definitions of a corpus file, read without the parser, for independent expectations. */
export function rawDefinitions(file: string): Record<string, Record<string, unknown>> {
  return readCorpus(file)['definitions'] as Record<string, Record<string, unknown>>;
}

export function rawElement(file: string, entity: string, element: string): Record<string, unknown> {
  const elements = rawDefinitions(file)[entity]?.['elements'] as Record<string, Record<string, unknown>> | undefined;
  const found = elements?.[element];
  if (!found) throw new Error(`${file}: ${entity}.${element} not in the corpus`);
  return found;
}

export function mainNameOf(file: string): string {
  return file.replace(/\.json$/, '');
}
