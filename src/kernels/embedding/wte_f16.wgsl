enable f16;

@group(0) @binding(1) var<storage, read> wte: array<f16>;

fn token_embedding(index: u32) -> f32 {
  return f32(wte[index]);
}
