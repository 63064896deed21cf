/** Throws a plain-words error for a token id the embedding table does not have. */
export function checkTokenIds(ids: readonly number[], vocabSize: number): void {
  const bad = ids.find((id) => !Number.isInteger(id) || id < 0 || id >= vocabSize);
  if (bad !== undefined) {
    throw new Error(`Token id ${bad} is outside this model's vocabulary (0..${vocabSize - 1}): is the tokenizer the model's own?`);
  }
}
