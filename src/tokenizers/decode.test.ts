import { Tokenizer as RustTokenizer } from '@anush008/tokenizers';
import { describe, expect, it } from 'vitest';
import { generatedTokenizerPath, readJson } from '../../test/parity/references';
import { loadTokenizer } from './tokenizer';

const bertJson = readJson(generatedTokenizerPath('bert-base-uncased'));
const bert = loadTokenizer(bertJson);
const gpt2 = loadTokenizer(readJson(generatedTokenizerPath('gpt2')));

// transformers' clean_up_tokenization (tokenization_utils_base.py) replaces, in this order:
// " ." -> ".", " ?" -> "?", " !" -> "!", " ," -> ",", " ' " -> "'", " n't" -> "n't", " 'm" -> "'m", " 's" -> "'s",
// " 've" -> "'ve", " 're" -> "'re". The expected strings below apply those rules by hand to the raw decode.
describe('decode as transformers does', () => {
  it('bert-base-uncased: [CLS] you should\'ve done this [SEP] (BertTokenizer cleans up by default)', () => {
    const ids = [101, 2017, 2323, 1005, 2310, 2589, 2023, 102];
    // Raw WordPiece decode joins with spaces: "[CLS] you should ' ve done this [SEP]"; " ' " -> "'" gives should've.
    expect(bert.decode(ids, { cleanUpTokenizationSpaces: false })).toBe("[CLS] you should ' ve done this [SEP]");
    expect(bert.decode(ids)).toBe("[CLS] you should've done this [SEP]");
    expect(bert.decode(ids, { skipSpecialTokens: true })).toBe("you should've done this");
  });

  it('GPT-2 leaves spaces alone by default (no clean_up_tokenization_spaces in gpt2\'s config: transformers 4.45+ default False)', () => {
    const text = "we 're sure it 's fine , is n't it ? I 'm . You 've !";
    const ids = gpt2.encode(text).ids;
    expect(gpt2.decode(ids)).toBe(text);
    // Rule by rule: " ." -> "I 'm.", " ?" -> "it?", " !" -> "'ve!", " ," -> "fine,", " n't" -> "isn't",
    // " 'm" -> "I'm.", " 's" -> "it's", " 've" -> "You've!", " 're" -> "we're".
    expect(gpt2.decode(ids, { cleanUpTokenizationSpaces: true })).toBe("we're sure it's fine, isn't it? I'm. You've!");
  });

  it('applies " \' " before " \'s" (order matters) and has no "do not" rule', () => {
    const ids = gpt2.encode("the dog ' s bone , I do not know").ids;
    // " ," -> ","; " ' " -> "'" turns "dog ' s" into "dog's"; transformers has no " do not" replacement.
    expect(gpt2.decode(ids, { cleanUpTokenizationSpaces: true })).toBe("the dog's bone, I do not know");
  });

  it('the WordPiece decoder\'s own cleanup (per token, before transformers\' pass) is Rust\'s', async () => {
    const rust = RustTokenizer.fromString(JSON.stringify(bertJson));
    const ids = bert.encode("i do not know , do n't you ?").ids;
    const expected = await rust.decode(ids, false);
    expect(bert.decode(ids, { cleanUpTokenizationSpaces: false })).toBe(expected);
  });

  it('refuses ids outside the vocabulary, naming the id', () => {
    expect(() => gpt2.decode([15496, 99999999])).toThrow('Token id 99999999 (position 1) is not in this tokenizer\'s vocabulary (ids 0 to 50,256).');
    expect(() => gpt2.decode([-1])).toThrow(/Token id -1/);
    expect(() => gpt2.decode([1e9])).toThrow(/Token id 1000000000/);
    expect(() => gpt2.decode([1.5])).toThrow(/Token id 1\.5/);
  });
});
