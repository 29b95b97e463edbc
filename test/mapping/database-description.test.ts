import { describe, expect, it } from 'vitest';
import { databaseDescription, descriptionStep } from '../../src/mapping/database-description.ts';

const utf8 = (s: string): number => Buffer.byteLength(s, 'utf8');

describe('databaseDescription', () => {
  it('says the label and the technical name by default', () => {
    expect(databaseDescription(undefined, 'SALES', 'Sales & Distribution')).toEqual({ value: 'SAP Datasphere space Sales & Distribution (SALES)' });
  });

  it('says the name alone where the space has no label of its own', () => {
    expect(databaseDescription(undefined, 'SALES').value).toBe('SAP Datasphere space SALES');
    expect(databaseDescription(undefined, 'SALES', 'SALES').value).toBe('SAP Datasphere space SALES');
    expect(databaseDescription(undefined, 'SALES', '   ').value).toBe('SAP Datasphere space SALES');
    expect(databaseDescription(undefined, 'SALES', ' Sales ').value).toBe('SAP Datasphere space Sales (SALES)');
  });

  it('fills a configured template: {space} the name, {label} the label or the name', () => {
    const template = 'Space {label} [{space}], kept in step by catalog-sync';
    expect(databaseDescription(template, 'SALES', 'Sales & Distribution').value).toBe('Space Sales & Distribution [SALES], kept in step by catalog-sync');
    expect(databaseDescription(template, 'SALES').value).toBe('Space SALES [SALES], kept in step by catalog-sync');
    expect(databaseDescription('{space} {space}', 'HR', 'People').value).toBe('HR HR');
  });

  it('replaces in one pass: a label that says "{space}" stays as it is', () => {
    expect(databaseDescription('{label} / {space}', 'SALES', 'My {space} label').value).toBe('My {space} label / SALES');
  });

  it('writes none for an empty template', () => {
    expect(databaseDescription('', 'SALES', 'Sales')).toEqual({});
  });

  it('fits Glue: at most 2048 bytes, cut on a character boundary with an ellipsis, control characters replaced', () => {
    const long = databaseDescription(undefined, 'SALES', 'ü'.repeat(1500));
    expect(utf8(long.value ?? '')).toBeLessThanOrEqual(2048);
    expect(long.value?.startsWith('SAP Datasphere space üüü')).toBe(true);
    expect(long.value?.endsWith('ü…')).toBe(true);
    expect(long.truncatedFrom).toBe(utf8(`SAP Datasphere space ${'ü'.repeat(1500)} (SALES)`));
    expect(databaseDescription('{label}', 'S', 'line\none\u0007').value).toBe('line\none ');
  });
});

describe('descriptionStep', () => {
  const ours = { Parameters: { 'catalog_sync.owner': 'nightly', 'datasphere.space': 'SALES' } };

  it('updates a database this job created whose Description says something else, or nothing', () => {
    expect(descriptionStep({ ...ours, Description: 'SAP Datasphere space Sales (SALES)' }, 'SAP Datasphere space Sales & Distribution (SALES)', 'nightly')).toBe('update');
    expect(descriptionStep(ours, 'SAP Datasphere space SALES', 'nightly')).toBe('update');
  });

  it('leaves one that already says it', () => {
    expect(descriptionStep({ ...ours, Description: 'SAP Datasphere space SALES' }, 'SAP Datasphere space SALES', 'nightly')).toBe('unchanged');
  });

  it('never touches a database someone else owns, or another job', () => {
    expect(descriptionStep({ Description: 'the lake team', Parameters: { team: 'lake' } }, 'SAP Datasphere space SALES', 'nightly')).toBe('foreign');
    expect(descriptionStep({ Description: 'x' }, 'SAP Datasphere space SALES', 'nightly')).toBe('foreign');
    expect(descriptionStep({ ...ours, Description: 'x' }, 'SAP Datasphere space SALES', 'weekly')).toBe('foreign');
  });

  it('says when there is no database yet, and leaves a Description alone when none is wanted', () => {
    expect(descriptionStep(undefined, 'SAP Datasphere space SALES', 'nightly')).toBe('missing');
    expect(descriptionStep({ ...ours, Description: 'written before' }, undefined, 'nightly')).toBe('unchanged');
  });
});
