@group(0) @binding(1) var<storage, read> wte: array<f32>;

fn token_embedding(index: u32) -> f32 {
  return wte[index];
}
