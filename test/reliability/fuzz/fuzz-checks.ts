import type { Asset } from '../../../src/catalog/asset.ts';
import type { AssetFailure, AssetWarning, SpaceExtract } from '../../../src/catalog/source.ts';
import type { RunSummary } from '../../../src/engine/run-summary.ts';
import type { FuzzCase } from './csn-mutations.ts';
import { boundText } from '../../../src/catalog/bounded-text.ts';

/** boundText's cap (500) plus its "… (N more characters)" note: no source message may be longer. */
export const MESSAGE_BOUND = 540;

/** Control and replacement characters and lone surrogates: what no synced name may hold. */
const DAMAGED = /[\u0000-\u001f\u007f-\u009f\ufffd\ud800-\udfff]/u;

/** What the source made of one case: its assets, failures and warnings (and the listing's incompleteness). */
export interface SourceOutcome {
  items: Asset[];
  failures: AssetFailure[];
  warnings: AssetWarning[];
  incompleteReasons: string[];
}

/** The part of a run's extracts that belongs to one case: names start with its prefix (after any hostile punctuation). */
export function caseOutcome(index: number, extracts: readonly SpaceExtract[]): SourceOutcome {
  const ours = new RegExp(`^[^A-Za-z0-9]*[Cc]${index}(?![0-9])`);
  const mine = (id: string) => ours.test(technicalNameOf(id));
  return {
    items: extracts.flatMap((e) => e.items.flatMap((i) => (i.state === 'extracted' && mine(i.asset.id) ? [i.asset] : []))),
    failures: extracts.flatMap((e) => e.failures.filter((f) => mine(f.assetId))),
    warnings: extracts.flatMap((e) => e.warnings.filter((w) => mine(w.assetId))),
    incompleteReasons: extracts.flatMap((e) => (e.incompleteReason !== undefined ? [e.incompleteReason] : [])),
  };
}

function technicalNameOf(id: string): string {
  return id.slice(id.indexOf('/') + 1);
}

function isAssetDefinition(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return true; // a broken definition must be reported
  const kind = (value as Record<string, unknown>)['kind'];
  return kind === 'entity' || kind === 'view' || (kind !== undefined && typeof kind !== 'string');
}

/**
 * The source's answer to one case, held to what the case says: every definition that is an asset is either
 * extracted or reported failed with a reason; the case's specific expectation holds; every message is bounded;
 * no extracted name is damaged. Returns the problems found (empty = the case passed).
 */
export function checkSourceCase(fuzz: FuzzCase, outcome: SourceOutcome): string[] {
  const problems: string[] = [];
  const { items, failures, warnings } = outcome;
  const extracted = new Set(items.map((a) => a.technicalName));
  const failed = new Map(failures.map((f) => [technicalNameOf(f.assetId), f.error]));
  const fileFailed = failed.has(fuzz.mainName) && items.length === 0;

  for (const failure of failures) {
    if (failure.error.trim() === '') problems.push(`failure of ${clip(failure.assetId)} has no reason`);
    if (failure.error.length > MESSAGE_BOUND) problems.push(`failure of ${clip(failure.assetId)} is ${failure.error.length} characters long`);
  }
  for (const warning of warnings) if (warning.message.length > MESSAGE_BOUND) problems.push(`a warning is ${warning.message.length} characters long`);
  for (const reason of outcome.incompleteReasons) if (reason.length > MESSAGE_BOUND) problems.push(`incompleteReason is ${reason.length} characters long`);
  for (const asset of items) {
    if (DAMAGED.test(asset.technicalName) || DAMAGED.test(asset.space)) problems.push(`extracted a damaged name ${clip(JSON.stringify(asset.id))}`);
    for (const column of asset.columns) if (DAMAGED.test(column.name)) problems.push(`extracted a damaged column name ${clip(JSON.stringify(column.name))}`);
  }

  const expect = fuzz.expect;
  if (expect.kind === 'file-fails') {
    if (!fileFailed || !failed.get(fuzz.mainName)?.includes(expect.reason)) problems.push(`file not refused with "${expect.reason}": ${clip(JSON.stringify(failures))}`);
    if (items.length > 0) problems.push(`${items.length} asset(s) extracted from a refused file`);
    return problems;
  }
  // A document the parser cannot use as a whole is reported under its main name; its assets are unknown.
  if (fileFailed && expect.kind === 'accounted') return problems;

  const definitions = fuzz.doc?.['definitions'];
  if (definitions !== null && typeof definitions === 'object' && !Array.isArray(definitions)) {
    for (const [name, definition] of Object.entries(definitions)) {
      if (!isAssetDefinition(definition)) continue;
      if (!extracted.has(name) && !failed.has(name)) problems.push(`definition ${clip(JSON.stringify(name))} neither extracted nor reported`);
    }
  }
  // Another file of the round that cannot be read may hold the copy that wins: such a definition is left alone.
  const leftAlone = (name: string) => outcome.incompleteReasons.length > 0 && isLeftAlone(failed.get(name));
  switch (expect.kind) {
    case 'name-fails':
      if (!failed.get(expect.name)?.includes(expect.reason)) problems.push(`${JSON.stringify(expect.name)} not failed with "${expect.reason}" (${clip(failed.get(expect.name) ?? 'not failed')})`);
      break;
    case 'name-syncs':
      if (!extracted.has(expect.name) && !leftAlone(expect.name)) problems.push(`${clip(JSON.stringify(expect.name))} not extracted (${clip(failed.get(expect.name) ?? 'not reported')})`);
      break;
    case 'names-collide':
      for (const name of expect.names) if (!extracted.has(name) && !leftAlone(name)) problems.push(`${name} not extracted (${clip(failed.get(name) ?? 'not reported')})`);
      break;
    case 'accounted':
      break;
  }
  return problems;
}

/** One sync round: the cases' export files and the control files in one folder, through the engine. */
export interface RoundOutcome {
  summary: RunSummary;
  /** Per case, the ids the source extracted for it. */
  extractedIds: ReadonlyMap<number, readonly string[]>;
  controlIds: readonly string[];
  /** Every file below the scenario root, relative, with `/`. */
  files: readonly string[];
}

/**
 * A round held to: every asset the source extracted is written or reported failed; control assets and
 * hostile-but-valid names are written; colliding names are both reported and neither written; damaged names
 * are reported; nothing is written outside the target folder, and nothing there but table files.
 */
export function checkRound(cases: readonly FuzzCase[], outcome: RoundOutcome): string[] {
  const problems: string[] = [];
  const { summary } = outcome;
  if (summary.status !== 'ok' && summary.status !== 'partial') problems.push(`run ended ${summary.status}: ${clip(JSON.stringify(summary.error ?? summary.guard ?? {}))}`);
  const done = new Set(summary.actions.filter((a) => a.outcome === 'done').map((a) => a.assetId));
  const failed = new Map(summary.failed.map((f) => [f.assetId, f.error]));
  for (const failure of summary.failed) if (failure.error.trim() === '') problems.push(`failure of ${clip(failure.assetId)} has no reason`);
  const doneNames = new Set([...done].map(technicalNameOf));
  const failedNames = new Map([...failed].map(([id, error]) => [technicalNameOf(id), error]));

  const incomplete = summary.source.incompleteSpaces.length > 0;
  const leftAlone = (name: string) => incomplete && isLeftAlone(failedNames.get(name));
  for (const id of outcome.controlIds) if (!done.has(id)) problems.push(`control asset ${id} not written (${clip(failed.get(id) ?? 'not reported')})`);
  for (const fuzz of cases) {
    for (const id of outcome.extractedIds.get(fuzz.index) ?? []) {
      // Summaries bound ids (MESSAGE_TEXT_MAX): a huge name is reported under its bounded id.
      const reported = boundText(id);
      if (!done.has(reported) && !failed.has(reported)) problems.push(`case ${fuzz.index}: ${clip(id)} extracted but neither written nor reported`);
    }
    const expect = fuzz.expect;
    if (expect.kind === 'name-syncs' && !doneNames.has(expect.name) && !leftAlone(expect.name)) {
      problems.push(`case ${fuzz.index}: ${clip(JSON.stringify(expect.name))} not written (${clip(failedNames.get(expect.name) ?? 'not reported')})`);
    }
    if (expect.kind === 'name-fails' && !failedNames.has(expect.name)) problems.push(`case ${fuzz.index}: ${JSON.stringify(expect.name)} not reported`);
    // With one of the colliding definitions left alone (an unreadable file may hold its winning copy), there is no
    // collision in this run: the other one is synced like any asset.
    if (expect.kind === 'names-collide' && !expect.names.some(leftAlone)) {
      for (const name of expect.names) {
        if (doneNames.has(name)) problems.push(`case ${fuzz.index}: colliding ${name} was written`);
        if (!failedNames.get(name)?.includes('collision') && !leftAlone(name)) problems.push(`case ${fuzz.index}: colliding ${name} not reported as a collision`);
      }
    }
    if (expect.kind === 'file-fails' && !failedNames.has(fuzz.mainName)) problems.push(`case ${fuzz.index}: refused file ${fuzz.file} not reported`);
  }

  for (const file of outcome.files) {
    const [top, ...rest] = file.split('/');
    if (top === 'export' || top === 'checkpoints') continue;
    if (top !== 'target') {
      problems.push(`file written outside the target folder: ${clip(file)}`);
      continue;
    }
    const [database, name, ...deeper] = rest as [string, string, ...string[]];
    // Below a database folder: table files, `_database.json`, and the target's own dot folders (version archive).
    const ownBookkeeping = name?.startsWith('.') === true && deeper.length > 0 && deeper.every((part) => /^[A-Za-z0-9_.-]{1,255}$/.test(part));
    if (!/^[a-z0-9_]{1,255}$/.test(database) || (!ownBookkeeping && (deeper.length > 0 || !/^(?:[a-z0-9_]{1,250}|_database)\.json$/.test(name ?? '')))) {
      problems.push(`unexpected file in the target folder: ${clip(file)}`);
    }
  }
  return problems;
}

/**
 * A definition the source left as it is because part of the export could not be read and may hold the copy that
 * wins (csn-files ambiguous-copies.ts): never written, never deleted, named with that reason.
 */
function isLeftAlone(error: string | undefined): boolean {
  return error?.startsWith('left as it is: ') === true;
}

export function clip(text: string, max = 160): string {
  return text.length > max ? `${text.slice(0, max)}…(${text.length} chars)` : text;
}
