import { describe, expect, it } from 'vitest';
import { SimpleTokenizer } from './simpleTokenizers';

describe('word and character tokenizers', () => {
  const corpus = 'the cat sat on the mat. The dog sat too!';

  it('word level: vocabulary from the corpus, [UNK] beyond it', () => {
    const words = SimpleTokenizer.wordLevel(corpus);
    // [UNK] + the cat sat on mat . dog too !
    expect(words.vocabularySize).toBe(10);
    const encoding = words.encode('The bird sat.');
    expect(encoding.tokens).toEqual(['the', '[UNK]', 'sat', '.']);
    expect(encoding.unknownCount).toBe(1);
    expect(encoding.sequenceLength).toBe(4);
    expect(encoding.offsets).toEqual([[0, 3], [4, 8], [9, 12], [12, 13]]);
  });

  it('word level: a capped vocabulary keeps the most frequent words', () => {
    expect(SimpleTokenizer.wordLevel(corpus, 2).encode('the sat cat').tokens).toEqual(['the', 'sat', '[UNK]']);
  });

  it('character level: one token per code point', () => {
    const characters = SimpleTokenizer.characterLevel('ab😀');
    const encoding = characters.encode('a😀c');
    expect(encoding.tokens).toEqual(['a', '😀', '[UNK]']);
    expect(encoding.offsets).toEqual([[0, 1], [1, 3], [3, 4]]);
    expect(encoding.vocabularySize).toBe(4);
  });

  it('from a subword vocabulary: its whole words and its single characters, never its ## pieces or [specials]', () => {
    const vocabulary = ['[PAD]', '[UNK]', '!', 'a', 'i', 'love', 'transform', '##ers', 'é'];
    const { word, character } = SimpleTokenizer.fromSubwordVocabulary(vocabulary);
    // [UNK] + ! a i love transform é
    expect(word.vocabularySize).toBe(7);
    expect(word.encode('I love transformers!').tokens).toEqual(['i', 'love', '[UNK]', '!']);
    // [UNK] + space, newline, tab + ! a i é
    expect(character.vocabularySize).toBe(8);
    const characters = character.encode('Ià !');
    expect(characters.tokens).toEqual(['[UNK]', '[UNK]', ' ', '!']);
    expect(characters.unknownCount).toBe(2);
  });
});
