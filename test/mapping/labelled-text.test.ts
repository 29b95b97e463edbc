import { describe, expect, it } from 'vitest';
import { columnCommentText } from '../../src/mapping/build-glue-columns.ts';
import { labelledText } from '../../src/mapping/labelled-text.ts';

describe('labelledText', () => {
  it('joins a name and a description that differ with a dash', () => {
    expect(labelledText('Sales Orders', 'Every order, all channels')).toBe('Sales Orders — Every order, all channels');
  });

  it('says a name equal to the description once', () => {
    expect(labelledText('Orders', 'Orders')).toBe('Orders');
  });

  it('gives whichever exists, and nothing when neither does', () => {
    expect(labelledText('Orders', undefined)).toBe('Orders');
    expect(labelledText(undefined, 'Every order')).toBe('Every order');
    expect(labelledText(undefined, undefined)).toBeUndefined();
  });

  it('treats empty and whitespace-only texts as absent, and keeps the others as they are', () => {
    expect(labelledText('  ', 'Every order')).toBe('Every order');
    expect(labelledText('Orders', '\n\t')).toBe('Orders');
    expect(labelledText('', '')).toBeUndefined();
    expect(labelledText(' Orders ', 'Every order ')).toBe(' Orders  — Every order ');
  });

  it('is the rule the column comments follow', () => {
    expect(columnCommentText({ label: 'Amount', description: 'Gross amount' })).toBe(labelledText('Amount', 'Gross amount'));
    expect(columnCommentText({ label: 'Amount', description: 'Amount' })).toBe('Amount');
    expect(columnCommentText({ description: 'Gross amount' })).toBe('Gross amount');
  });
});
