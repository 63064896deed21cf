// DistilBERT's fixed position table (Hugging Face's create_sinusoidal_embeddings): for position pos and channel j,
// angle = pos / 10000^(2·⌊j/2⌋ / C); sin at even channels, cos at odd ones (interleaved, not concatenated). Hugging
// Face computes it in float64 (numpy) and stores float32; so does this.

export function sinusoidalPositions(rows: number, C: number): Float32Array {
  const table = new Float32Array(rows * C); // (rows, C)
  for (let j = 0; j < C; j++) {
    const frequency = Math.pow(10000, (2 * Math.floor(j / 2)) / C);
    for (let pos = 0; pos < rows; pos++) {
      const angle = pos / frequency;
      table[pos * C + j] = j % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
    }
  }
  return table;
}
