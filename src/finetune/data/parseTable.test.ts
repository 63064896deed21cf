import { describe, expect, it } from 'vitest';
import { detectFormat, parseDelimited, parseTable } from './parseTable';

describe('parseDelimited (RFC 4180)', () => {
  it('reads quoted fields with commas, doubled quotes, line breaks, CRLF and a BOM', () => {
    const csv = '\ufefftext,label\r\n"Hello, world",1\r\n"She said ""hi""\nthen left",0\r\nplain,1';
    expect(parseDelimited(csv, ',')).toEqual([
      ['text', 'label'],
      ['Hello, world', '1'],
      ['She said "hi"\nthen left', '0'],
      ['plain', '1'],
    ]);
  });

  it('keeps empty fields and skips blank lines', () => {
    expect(parseDelimited('a,,c\n\n,b,\n', ',')).toEqual([['a', '', 'c'], ['', 'b', '']]);
  });
});

describe('parseTable', () => {
  it('reads UCI sentiment TSV as two columns without a header', () => {
    const table = parseTable('Wow... Loved this place.\t1\nCrust is not good.\t0\n', 'tsv');
    expect(table.columns).toEqual(['column 1', 'column 2']);
    expect(table.rows).toEqual([['Wow... Loved this place.', '1'], ['Crust is not good.', '0']]);
  });

  it('takes a first row of names as the header, but not a first row of data', () => {
    expect(parseTable('sentence,sentiment\ngreat,positive\nawful,negative', 'csv').columns).toEqual(['sentence', 'sentiment']);
    const headerless = parseTable('great,positive\nawful,negative\nnice,positive', 'csv');
    expect(headerless.columns).toEqual(['column 1', 'column 2']);
    expect(headerless.rows).toHaveLength(3);
    expect(parseTable('great,positive\nawful,negative', 'csv', true).columns).toEqual(['great', 'positive']);
  });

  it('reads JSONL objects, the union of their keys as columns', () => {
    const table = parseTable('{"text": "a", "label": 1}\n\n{"text": "b", "label": 0, "extra": true}\n', 'jsonl');
    expect(table.columns).toEqual(['text', 'label', 'extra']);
    expect(table.rows).toEqual([['a', '1', ''], ['b', '0', 'true']]);
    expect(() => parseTable('{"a": 1}\nnot json', 'jsonl')).toThrow(/Line 2 is not valid JSON/);
  });
});

describe('detectFormat', () => {
  it('trusts the file name, else the first line', () => {
    expect(detectFormat('x,y', 'data.tsv')).toBe('tsv');
    expect(detectFormat('a\tb', 'yelp_labelled.txt')).toBe('tsv');
    expect(detectFormat('{"text": 1}')).toBe('jsonl');
    expect(detectFormat('a,b\nc,d')).toBe('csv');
  });
});

describe('malformed tables are refused by line', () => {
  it('names the line of an unterminated quote instead of merging the rest of the file into one cell', () => {
    expect(() => parseDelimited('text,label\ngood,1\n"bad, 0\nfine,1\n', ',')).toThrow(/^Line 3: a quoted field starts here and its closing quote never comes/);
    expect(() => parseTable('a\t1\nb\t0\n"c\t1', 'tsv')).toThrow(/^Line 3:/);
    expect(() => parseDelimited('x,y\n1,"ab"c\n', ',')).toThrow(/^Line 2: a quoted field has text right after its closing quote/);
  });

  it('refuses a table of more than 1000 columns', () => {
    expect(() => parseTable(`${'a,'.repeat(2000)}b\n1,2`, 'csv')).toThrow(/Record 1 has 2,001 comma-separated fields; a table may have at most 1000/);
  });
});

describe('line endings', () => {
  it('reads files that mix CRLF and LF, with line breaks inside quoted fields', () => {
    expect(parseDelimited('a,b\r\nc,d\ne,f\n"x\r\ny",z', ',')).toEqual([['a', 'b'], ['c', 'd'], ['e', 'f'], ['x\ny', 'z']]);
  });
});
