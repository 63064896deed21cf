// A packed token table (kernels/matmul/packed.ref.ts: (V, C) blocked along C, the layout of a packed tied LM head,
// so one table serves the lookup and the head); composed after matmul/packed_weights.wgsl, which reads `packed`.
@group(0) @binding(1) var<storage, read> packed: array<u32>;

fn token_embedding(index: u32) -> f32 {
  return dequant4(index & ~3u, params.wte_scales)[index & 3u];
}
