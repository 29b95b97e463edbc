import fs from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { exampleExport } from '../support/file-scenario.ts';
import { runCli } from '../support/run-cli.ts';

let dir: string;
let configFile: string;

async function writeConfig(extra: Record<string, unknown> = {}): Promise<void> {
  await writeFile(
    configFile,
    JSON.stringify({
      source: { type: 'csn-files', path: 'export', space: 'SALES' },
      target: { type: 'file', path: 'target' },
      checkpoints: { dir: 'checkpoints' },
      history: { file: 'history.jsonl' },
      logging: { level: 'silent' },
      ...extra,
    }),
  );
}

/** Edits the SalesOrders export the way a modeller would: a label, a type, a new column. */
async function editSalesOrders(edit: (elements: Record<string, Record<string, unknown>>) => void): Promise<void> {
  const file = path.join(dir, 'export', 'SalesOrders.json');
  const doc = JSON.parse(await readFile(file, 'utf8'));
  edit(doc.definitions.SalesOrders.elements);
  await writeFile(file, JSON.stringify(doc, null, 2));
}

const ANSI = /\u001b\[\d+m/;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'catalog-sync-output-'));
  await cp(exampleExport, path.join(dir, 'export'), { recursive: true });
  configFile = path.join(dir, 'config.json');
  await writeConfig();
  vi.stubEnv('NO_COLOR', undefined);
  vi.stubEnv('FORCE_COLOR', undefined);
  vi.stubEnv('TERM', 'xterm-256color');
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await rm(dir, { recursive: true, force: true });
});

/** Runs the CLI with stdout looking like a terminal (or not). */
async function atTerminal(isTTY: boolean, args: string[]) {
  const before = Object.getOwnPropertyDescriptor(process.stdout, 'isTTY');
  Object.defineProperty(process.stdout, 'isTTY', { value: isTTY, configurable: true });
  try {
    return await runCli(args);
  } finally {
    if (before) Object.defineProperty(process.stdout, 'isTTY', before);
    else delete (process.stdout as { isTTY?: boolean }).isTTY;
  }
}

describe('plan shows a field diff per table', () => {
  beforeEach(async () => {
    expect((await runCli(['sync', '--config', configFile])).code).toBe(0);
    await editSalesOrders((e) => {
      e.SALESORDERID!['@EndUserText.label'] = 'Sales order';
      e.GROSSAMOUNT!.type = 'cds.Integer';
      e.DISCOUNT = { type: 'cds.Decimal', precision: 15, scale: 2, '@EndUserText.label': 'Discount' };
    });
  });

  it('label change, type change and added column, plain when stdout is not a terminal', async () => {
    const { code, stdout } = await atTerminal(false, ['plan', '--config', configFile]);
    expect(code).toBe(2);
    expect(stdout).toMatch(/~ update\s+ds_sales\.salesorders\s+SCHEMA_CHANGED\s+SALES\/SalesOrders\s+full$/m);
    expect(stdout).toContain('~ column salesorderid comment: "SALESORDERID" → "Sales order"');
    expect(stdout).toContain('~ column grossamount type: bigint → int');
    expect(stdout).toContain('+ column discount: decimal(15,2) "Discount"');
    expect(stdout).toContain('Plan: 1 table to update; 5 unchanged.');
    expect(stdout).not.toMatch(ANSI);
  });

  it('coloured at a terminal, plain with NO_COLOR or --no-color', async () => {
    const coloured = await atTerminal(true, ['plan', '--config', configFile]);
    expect(coloured.stdout).toContain('\u001b[33m~ column salesorderid comment: "SALESORDERID" → "Sales order"\u001b[39m');
    expect(coloured.stdout).toContain('\u001b[32m+ column discount: decimal(15,2) "Discount"\u001b[39m');
    expect((await atTerminal(true, ['plan', '--no-color', '--config', configFile])).stdout).not.toMatch(ANSI);
    vi.stubEnv('NO_COLOR', '1');
    const plain = await atTerminal(true, ['plan', '--config', configFile]);
    expect(plain.stdout).toContain('~ column grossamount type: bigint → int');
    expect(plain.stdout).not.toMatch(ANSI);
  });

  it('sync --dry-run shows the same diff and writes nothing', async () => {
    const before = await readFile(path.join(dir, 'target', 'ds_sales', 'salesorders.json'), 'utf8');
    const { code, stdout } = await runCli(['sync', '--dry-run', '--config', configFile]);
    expect(code).toBe(0);
    expect(stdout).toContain('Dry run (nothing written)');
    expect(stdout).toContain('~ column salesorderid comment: "SALESORDERID" → "Sales order"');
    expect(await readFile(path.join(dir, 'target', 'ds_sales', 'salesorders.json'), 'utf8')).toBe(before);
  });

  it('plan --json carries the diff in the actions', async () => {
    const { stdout } = await runCli(['plan', '--json', '--config', configFile]);
    const summary = JSON.parse(stdout);
    const action = summary.actions.find((a: { assetId: string }) => a.assetId === 'SALES/SalesOrders');
    expect(action).toMatchObject({ action: 'update', outcome: 'planned', strategy: 'full', table: 'ds_sales.salesorders' });
    expect(action.diff).toContainEqual({ path: 'column grossamount type', kind: 'changed', before: 'bigint', after: 'int' });
  });
});

describe('sync says what it did per table', () => {
  it('lists each table on the terminal and in --json, with pluralised figures', async () => {
    const first = await runCli(['sync', '--config', configFile]);
    expect(first.stdout).toMatch(/\+ created\s+ds_sales\.salesorders\s+CREATED\s+SALES\/SalesOrders\s+full/);
    expect(first.stdout).toMatch(/done:\s+6 tables created/);
    expect(first.stdout).toMatch(/verified:\s+6\/6 written tables match/);
    await editSalesOrders((e) => {
      e.SALESORDERID!['@EndUserText.label'] = 'Sales order';
    });
    const { code, stdout } = await runCli(['sync', '--json', '--config', configFile]);
    expect(code).toBe(0);
    const summary = JSON.parse(stdout);
    expect(summary.actions).toEqual([
      expect.objectContaining({
        assetId: 'SALES/SalesOrders',
        table: 'ds_sales.salesorders',
        action: 'update',
        outcome: 'done',
        facets: expect.arrayContaining(['metadata']),
      }),
    ]);
    expect(summary.actions[0].diff).toBeUndefined();
  });

  it('logs one info line per table action', async () => {
    await writeConfig({ logging: { level: 'info' } });
    const lines: string[] = [];
    const realWriteSync = fs.writeSync;
    const spy = vi.spyOn(fs, 'writeSync').mockImplementation(((fd: number, data: unknown, ...rest: unknown[]) => {
      if (fd !== 2) return (realWriteSync as (...a: unknown[]) => number)(fd, data, ...rest);
      const text = typeof data === 'string' ? data : Buffer.from(data as Uint8Array).toString('utf8');
      lines.push(...text.split('\n').filter(Boolean));
      return Buffer.byteLength(text);
    }) as typeof fs.writeSync);
    try {
      expect((await runCli(['sync', '--config', configFile])).code).toBe(0);
    } finally {
      spy.mockRestore();
    }
    const records = lines.map((l) => JSON.parse(l) as { level: number; assetId?: string; action?: string; outcome?: string; table?: string });
    const perTable = records.filter((r) => r.assetId !== undefined && r.action !== undefined);
    expect(perTable).toHaveLength(6);
    for (const r of perTable) expect(r).toMatchObject({ level: 30, action: 'create', outcome: 'done', table: expect.stringMatching(/^ds_sales\./) });
  });
});

describe('--quiet', () => {
  it('prints nothing on a clean run', async () => {
    const first = await runCli(['sync', '--quiet', '--config', configFile]);
    expect(first.code).toBe(0);
    expect(first.stdout).toBe('');
    const again = await runCli(['plan', '--quiet', '--config', configFile]);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe('');
  });

  it('prints a failure, and nothing else', async () => {
    await writeFile(path.join(dir, 'export', 'Broken.json'), JSON.stringify({ definitions: { Broken: { kind: 'entity', elements: 'not-an-object' } } }));
    const { code, stdout } = await runCli(['sync', '--quiet', '--config', configFile]);
    expect(code).toBe(3);
    const lines = stdout.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toMatch(/^ {2}FAILED SALES\/Broken: /);
  });
});
