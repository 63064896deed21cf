import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { guessMapping, splitTrainValidation, toExamples } from './examples';
import { parseTable } from './parseTable';

const UCI = new URL('../../../../shared/data/sentiment/uci-labelled-sentences/yelp_labelled.txt', import.meta.url);

const hasUci = existsSync(UCI);
if (!hasUci) console.log('[finetune] ../shared/data/sentiment is absent: the UCI mapping test is skipped.');

describe('column and label mapping', () => {
  it.skipIf(!hasUci)('finds the text and label columns of the UCI file and maps 0/1 to ids 0/1', () => {
    const table = parseTable(readFileSync(UCI, 'utf8'), 'tsv');
    const mapping = guessMapping(table);
    expect(mapping).toEqual({ textColumns: [0], labelColumn: 1 });
    const { examples, labels, skipped } = toExamples(table, mapping);
    expect(labels).toEqual(['0', '1']);
    expect(examples).toHaveLength(1000);
    expect(skipped).toBe(0);
    expect(examples[0]).toEqual({ text: 'Wow... Loved this place.', label: 1 });
  });

  it('sorts labels (numerically when they are numbers), reads pairs and skips rows with a missing field', () => {
    const table = parseTable('premise,hypothesis,label\na,b,neutral\nc,d,entailment\ne,,contradiction\nf,g,entailment', 'csv');
    const { examples, labels, skipped } = toExamples(table, { textColumns: [0, 1], labelColumn: 2 });
    expect(labels).toEqual(['entailment', 'neutral']);
    expect(examples).toEqual([{ text: 'a', pair: 'b', label: 1 }, { text: 'c', pair: 'd', label: 0 }, { text: 'f', pair: 'g', label: 0 }]);
    expect(skipped).toBe(1);
    expect(toExamples(parseTable('a\t10\nb\t9\nc\t10', 'tsv'), { textColumns: [0], labelColumn: 1 }).labels).toEqual(['9', '10']);
  });

  it('prefers a column named like a label', () => {
    expect(guessMapping(parseTable('label,text\n1,a long sentence here\n0,another long one', 'csv', true))).toEqual({ textColumns: [1], labelColumn: 0 });
  });
});

describe('splitTrainValidation', () => {
  it('is a seeded, disjoint, complete split', () => {
    const items = Array.from({ length: 100 }, (_, i) => i);
    const a = splitTrainValidation(items, 0.2, 42);
    expect(a.train).toHaveLength(80);
    expect(a.validation).toHaveLength(20);
    expect([...a.train, ...a.validation].sort((x, y) => x - y)).toEqual(items);
    expect(splitTrainValidation(items, 0.2, 42)).toEqual(a);
    expect(splitTrainValidation(items, 0.2, 43).validation).not.toEqual(a.validation);
    expect(splitTrainValidation([1, 2, 3], 0.1, 1).validation).toHaveLength(1);
  });
});
