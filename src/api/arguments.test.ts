import { describe, expect, it } from 'vitest';
import {
  attentionAtArguments,
  attentionViewArguments,
  checkModelSource,
  loadModelArguments,
  checkWeights,
  compareArguments,
  exportOnnxArguments,
  fineTuneArguments,
  forwardArguments,
  generateArguments,
  sentenceArguments,
  showAttentionArguments,
} from './arguments';
import { DEFAULT_ATTENTION_VIEW } from '../state/attentionSlice';
import { examplesFromRows } from '../finetune/data/examples';

// Misuses of window.playground, as an attacker or a careless script makes them: each is refused before anything runs,
// with the call, the argument, what it was and what is allowed. (Limits of playground-gpt2: V 50,257, P 128.)
const GPT2 = { V: 50257, P: 128, typeVocabSize: 0 };
const BERT = { V: 30522, P: 512, typeVocabSize: 2 };
const refusal = (work: () => unknown): string => {
  try {
    work();
  } catch (error) {
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).constructor).toBe(Error); // no TypeError or RangeError from inside
    return (error as Error).message;
  }
  throw new Error('expected a refusal');
};
// NaN only as the value given ("…, not NaN."), never as a figure computed from it.
const INTERNAL = /Cannot read|is not a function|is not iterable|Invalid array length|NaN(?!\.$)|\[object Object\]|undefined(?! \(missing\))/;

describe('window.playground argument checks', () => {
  it('forward: ids are whole numbers in the vocabulary, no holes, within the context; options are known', () => {
    expect(forwardArguments([464, 2068], undefined, GPT2)).toEqual({ ids: [464, 2068] });
    expect(refusal(() => forwardArguments([464, undefined, 2068], {}, GPT2))).toBe('forward: ids[1] is undefined (missing), not a token id (a whole number from 0).');
    // eslint-disable-next-line no-sparse-arrays
    expect(refusal(() => forwardArguments([464, , 2068], {}, GPT2))).toBe('forward: ids has a hole at position 1: every entry must be a token id.');
    expect(refusal(() => forwardArguments([1.5], {}, GPT2))).toBe('forward: ids[0] is 1.5, not a token id (a whole number from 0).');
    expect(refusal(() => forwardArguments([1e9], {}, GPT2))).toBe("forward: ids[0] is 1000000000, outside the loaded model's range 0..50256.");
    expect(refusal(() => forwardArguments([], {}, GPT2))).toBe('forward: ids is empty: give at least 1 token id.');
    expect(refusal(() => forwardArguments(new Array(129).fill(1), {}, GPT2))).toBe("forward: ids has 129 entries; the model's context holds 128.");
    expect(refusal(() => forwardArguments('464', {}, GPT2))).toBe('forward: ids must be an array of token ids (whole numbers from 0), not the string "464".');
    expect(refusal(() => forwardArguments([1], { tokenTypes: [0] }, BERT))).toBe('forward: the options have no "tokenTypes" (allowed: tokenTypeIds, saveQkv).');
    expect(refusal(() => forwardArguments([1, 2], { tokenTypeIds: [0] }, BERT))).toBe('forward: tokenTypeIds has 1 entries for 2 ids: give one type id per token.');
    expect(refusal(() => forwardArguments([1, 2], { tokenTypeIds: [0, 2] }, BERT))).toBe("forward: tokenTypeIds[1] is 2, outside the loaded model's range 0..1.");
    expect(refusal(() => forwardArguments([1], { saveQkv: 'yes' }, BERT))).toBe('forward: saveQkv must be true or false, not the string "yes".');
    expect(forwardArguments(Uint32Array.of(5, 6), undefined, GPT2).ids).toEqual([5, 6]);
  });

  it('generate: prompt and sampling options within their ranges', () => {
    expect(generateArguments('The history of', { maxNewTokens: 20, temperature: 0.8, topK: 40, topP: 0.95, seed: 1 }, GPT2).options).toEqual({ maxNewTokens: 20, temperature: 0.8, topK: 40, topP: 0.95, seed: 1 });
    const cases: [unknown, unknown, string][] = [
      [42, undefined, 'generate: the prompt must be a string, not 42.'],
      ['   ', undefined, 'generate: the prompt is empty: give some text.'],
      ['x', { maxNewTokens: 0 }, 'generate: maxNewTokens must be a whole number from 1 to 128, not 0.'],
      ['x', { maxNewTokens: Number.NaN }, 'generate: maxNewTokens must be a whole number from 1 to 128, not NaN.'],
      ['x', { temperature: -1 }, 'generate: temperature must be a number from 0 (greedy) to 100, not -1.'],
      ['x', { temperature: Infinity }, 'generate: temperature must be a number from 0 (greedy) to 100, not Infinity.'],
      ['x', { topK: 2.5 }, 'generate: topK must be a whole number from 0 to 50,257, not 2.5.'],
      ['x', { topP: 0 }, 'generate: topP must be a number above 0 and at most 1 (1 = off), not 0.'],
      ['x', { seed: 'one' }, 'generate: seed must be a whole number from 0 to 4,294,967,295, not the string "one".'],
      ['x', { stopIds: [50256, -3] }, 'generate: stopIds[1] is -3, not a token id (a whole number from 0).'],
      ['x', { topProbabilities: 100 }, 'generate: topProbabilities must be a whole number from 0 to 64, not 100.'],
      ['x', { onToken: () => 1 }, 'generate: the options have no "onToken" (allowed: maxNewTokens, temperature, topK, topP, seed, stopIds, topProbabilities, onAttention).'],
      ['x', 'fast', 'generate: the options must be an object (keys: maxNewTokens, temperature, topK, topP, seed, stopIds, topProbabilities, onAttention), not the string "fast".'],
    ];
    for (const [prompt, options, message] of cases) expect(refusal(() => generateArguments(prompt, options, GPT2))).toBe(message);
  });

  it('the other calls: sources, texts, providers, export options', () => {
    expect(checkModelSource(' gpt2 ')).toBe('gpt2');
    expect(refusal(() => checkModelSource(''))).toMatch(/^loadModel: the source must be an embedded model's name, a Hub id or an http\(s\) URL, not the string ""\.$/);
    expect(refusal(() => checkModelSource([]))).toMatch(/a non-empty list of File objects, not an array of 0\.$/);
    expect(refusal(() => checkModelSource({ url: 'x' }))).toMatch(/not an object\.$/);
    expect(loadModelArguments('org/name', { revision: 'v2', token: 'hf_abc' })).toEqual({ source: 'org/name', revision: 'v2', token: 'hf_abc' });
    expect(loadModelArguments('gpt2', undefined)).toEqual({ source: 'gpt2' });
    expect(refusal(() => loadModelArguments('org/name', { branch: 'v2' }))).toBe('loadModel: the options have no "branch" (allowed: revision, token, weights).');
    expect(loadModelArguments('gpt2', { weights: 'q4' })).toEqual({ source: 'gpt2', weights: 'q4' });
    expect(refusal(() => loadModelArguments('gpt2', { weights: 'int4' }))).toBe("loadModel: weights must be one of 'auto', 'f32', 'f16', 'q8', 'q4', not the string \"int4\".");
    expect(refusal(() => checkWeights('setWeights', undefined))).toBe("setWeights: weights must be one of 'auto', 'f32', 'f16', 'q8', 'q4', not undefined (missing).");
    expect(refusal(() => loadModelArguments('org/name', { revision: 'my branch' }))).toBe('loadModel: revision must be a branch, tag, refs/pr/<number> or commit hash without spaces (1 to 255 characters), not the string "my branch".');
    expect(refusal(() => loadModelArguments('org/name', { token: 42 }))).toBe('loadModel: token must be a Hub access token (a string), not 42.');
    const spaced = refusal(() => loadModelArguments('org/name', { token: 'hf_secret value' }));
    expect(spaced).toBe('loadModel: token must be a Hub access token of 1 to 1,024 printable characters without spaces; the one given (15 characters) is not.');
    expect(spaced).not.toContain('secret');
    expect(refusal(() => compareArguments([1], { provider: 'cuda' }, GPT2))).toBe("compareWithOrt: provider must be one of 'webgpu', 'wasm', not the string \"cuda\".");
    expect(compareArguments([1], undefined, GPT2)).toEqual({ ids: [1], provider: 'webgpu', tokenTypeIds: undefined });
    expect(refusal(() => exportOnnxArguments({ attentions: 1 }))).toBe('exportOnnx: attentions must be true or false, not 1.');
    expect(exportOnnxArguments({ attentions: false, pastKeyValues: true, weights: 'q4' })).toEqual({ attentions: false, pastKeyValues: true, weights: 'q4' });
    expect(refusal(() => exportOnnxArguments({ weights: 'f16' }))).toBe("exportOnnx: weights must be one of 'f32', 'q4', 'q8', not the string \"f16\".");
    expect(refusal(() => sentenceArguments('embed', 'a', 7))).toBe('embed: the pair (the second sentence) must be a string, not 7.');
    expect(refusal(() => sentenceArguments('classify', null, undefined))).toBe('classify: the text must be a string, not null.');
  });

  it('fineTune: task, data (File, Blob, text or { text, label } rows), hyperparameters with limits', () => {
    const rows = [{ text: 'good', label: 'pos' }, { text: 'bad', label: 'neg' }, { text: 'fine', label: 1 }];
    const checked = fineTuneArguments({ task: 'classification', data: rows, options: { hyperparameters: { batchSize: 8 } } });
    expect(checked.data).toEqual({ rows: [{ text: 'good', label: 'pos' }, { text: 'bad', label: 'neg' }, { text: 'fine', label: '1' }] });
    expect(checked.settings).toEqual({ hyperparameters: { batchSize: 8 } });
    const { examples, labels } = examplesFromRows([{ text: 'a', pair: 'x', label: '10' }, { text: 'b', pair: 'y', label: '9' }, { text: 'c', pair: 'd', label: '10' }]);
    expect(labels).toEqual(['9', '10']); // sorted as numbers, as a table's labels are
    expect(examples).toEqual([{ text: 'a', pair: 'x', label: 1 }, { text: 'b', pair: 'y', label: 0 }, { text: 'c', pair: 'd', label: 1 }]);
    const cases: [unknown, string | RegExp][] = [
      [undefined, "fineTune needs a request: { task: 'classification' | 'causal-lm', data, options? }."],
      [{ task: 'regression', data: 'x' }, "fineTune: task must be one of 'classification', 'causal-lm', not the string \"regression\"."],
      [{ task: 'classification', data: 42 }, 'fineTune: data must be a File or Blob, a string (CSV, TSV or JSONL) or an array of { text, label } rows, not 42.'],
      [{ task: 'classification', data: [] }, 'fineTune: data is an empty array: give { text, label } rows.'],
      [{ task: 'classification', data: [{ text: 'a', lable: 1 }] }, 'fineTune: data[0] have no "lable" (allowed: text, pair, label).'],
      [{ task: 'classification', data: [{ text: 'a', label: {} }] }, 'fineTune: data[0].label must be a label: a non-empty string, a number or true/false, not an object.'],
      [{ task: 'classification', data: [{ text: 'a', label: 1 }, 'b'] }, 'fineTune: data[1] must be a row { text, label } (pair optional), not the string "b".'],
      [{ task: 'classification', data: [{ text: 'a', label: 1 }, { text: 'b', pair: 'c', label: 0 }] }, 'fineTune: data[1] has a pair while data[0] has none: give every row a pair, or none.'],
      [{ task: 'causal-lm', data: [{ text: 'a', label: 1 }] }, 'fineTune: causal-lm data is plain text (a string, a File or a Blob), not an array of 1.'],
      [{ task: 'classification', data: 'x', options: { hyperparameters: { batchSize: 0 } } }, 'fineTune: hyperparameters.batchSize must be a whole number from 1 to 4,096, not 0.'],
      [{ task: 'classification', data: 'x', options: { hyperparameters: { learningRate: 5 } } }, 'fineTune: hyperparameters.learningRate must be a number above 0 and below 1, not 5.'],
      [{ task: 'classification', data: 'x', options: { hyperparameters: { epochs: 1e9 } } }, 'fineTune: hyperparameters.epochs must be a whole number from 1 to 10,000, not 1000000000.'],
      [{ task: 'classification', data: 'x', options: { hyperparameters: { lr: 1e-3 } } }, /fineTune: options.hyperparameters have no "lr" \(allowed: learningRate, batchSize/],
      [{ task: 'classification', data: 'x', options: { mode: 'all' } }, "fineTune: options.mode must be one of 'full', 'head', not the string \"all\"."],
      [{ task: 'classification', data: 'x', options: { mapping: { textColumns: [0.5], labelColumn: 1 } } }, 'fineTune: options.mapping.textColumns[0] must be a whole number from 0 to 999, not 0.5.'],
      [{ task: 'causal-lm', data: 'x', options: { mode: 'head' } }, "fineTune: options.mode 'head' trains a classifier; causal-lm trains every parameter ('full')."],
    ];
    for (const [request, message] of cases) {
      const text = refusal(() => fineTuneArguments(request));
      if (message instanceof RegExp) expect(text).toMatch(message);
      else expect(text).toBe(message);
    }
  });

  it('attention: shown tensors and view changes are checked against what is shown', () => {
    const ok = showAttentionArguments({ tokens: ['a', 'b'], attentions: [[1, 0, 0.5, 0.5]] });
    expect('set' in ok && ok.set.heads).toBe(1);
    expect(refusal(() => showAttentionArguments({ tokens: ['a', 2], attentions: [[1, 0, 0.5, 0.5]] }))).toBe('showAttention: tokens[1] must be a string, not 2.');
    expect(refusal(() => showAttentionArguments({ tokens: ['a', 'b'], attentions: [[1, 0, 0.5]] }))).toBe('showAttention: attentions[0] holds 3 weights, not H × 2 × 2 for 2 tokens (1 to 1024 heads).');
    expect(refusal(() => showAttentionArguments({ tokens: ['a', 'b'], attentions: [[1, 0, 0.5, 'x']] }))).toBe('showAttention: attentions[0][3] is the string "x", not a weight from 0 to 1.');
    expect(refusal(() => showAttentionArguments({ ids: [1, undefined] }, GPT2))).toBe('showAttention: ids[1] is undefined (missing), not a token id (a whole number from 0).');
    const shown = { layers: 2, heads: 4, T: 5 };
    expect(attentionViewArguments({ layer: 1, filter: { hideSpecial: true } }, DEFAULT_ATTENTION_VIEW, shown)).toEqual({ layer: 1, filter: { ...DEFAULT_ATTENTION_VIEW.filter, hideSpecial: true } });
    expect(refusal(() => attentionViewArguments({ layer: 2 }, DEFAULT_ATTENTION_VIEW, shown))).toBe('setAttentionView: layer must be a whole number from 0 to 1, not 2.');
    expect(refusal(() => attentionViewArguments({ view: 'graph' }, DEFAULT_ATTENTION_VIEW, shown))).toBe("setAttentionView: view must be one of 'heatmap', 'model', 'head', 'neuron', 'stats', not the string \"graph\".");
    expect(refusal(() => attentionViewArguments({ filter: { selected: [9] } }, DEFAULT_ATTENTION_VIEW, shown))).toBe('setAttentionView: filter.selected[0] must be a whole number from 0 to 4, not 9.');
    expect(refusal(() => attentionAtArguments({ head: -1 }, shown))).toBe('attention: head must be a whole number from 0 to 3, not -1.');
  });

  it('never lets an internal runtime text through, whatever the argument', () => {
    const weird: unknown[] = [undefined, null, NaN, -0, 1e308, '', 'x'.repeat(10_000), [], [[]], {}, { length: 3 }, () => 1, Symbol.iterator, new Proxy({}, {}), Object.create(null)];
    const calls: ((value: unknown) => unknown)[] = [
      (v) => forwardArguments(v, undefined, GPT2),
      (v) => forwardArguments([1], v, GPT2),
      (v) => generateArguments(v, undefined, GPT2),
      (v) => generateArguments('x', v, GPT2),
      (v) => fineTuneArguments(v),
      (v) => fineTuneArguments({ task: 'classification', data: v }),
      (v) => showAttentionArguments(v, GPT2),
      (v) => attentionViewArguments(v, DEFAULT_ATTENTION_VIEW),
      (v) => checkModelSource(v),
    ];
    let refused = 0;
    for (const call of calls) {
      for (const value of weird) {
        try {
          call(value);
        } catch (error) {
          refused++;
          expect((error as Error).constructor).toBe(Error);
          expect((error as Error).message).not.toMatch(INTERNAL);
        }
      }
    }
    console.log(`${calls.length * weird.length} misuses, ${refused} refused, none with an internal text`);
  });
});
