/**
 * Throws a plain-words error for a token id the embedding table does not have: not an integer (holes and undefined
 * included), negative, or past the table.
 */
export function checkTokenIds(ids: ArrayLike<number>, vocabSize: number, what = 'Token id'): void {
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (Number.isInteger(id) && id >= 0 && id < vocabSize) continue;
    const shown = typeof id === 'number' ? String(id) : id === undefined ? 'missing' : JSON.stringify(id);
    const hint = what === 'Token id' ? ': is the tokenizer the model\'s own?' : '';
    throw new Error(`${what} ${shown} at position ${i} is outside this model's range (0..${vocabSize - 1})${hint}`);
  }
}
