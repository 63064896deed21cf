// Dequantizing loads of a packed (N, K) weight (kernels/matmul/packed.ref.ts): four consecutive elements from
// `index` (a multiple of 4, blocks of 32 never straddled) of the u32 array `packed`, whose scales (f32 bits) start at
// word `scales`. The io file that includes this declares `packed`. W_FORMAT: 0 f16 pairs, 1 q8, 2 q4.
override W_FORMAT: u32 = 0u;

fn dequant4(index: u32, scales: u32) -> vec4<f32> {
  if (W_FORMAT == 0u) {
    let word = index / 2u;
    return vec4<f32>(unpack2x16float(packed[word]), unpack2x16float(packed[word + 1u]));
  }
  let scale = bitcast<f32>(packed[scales + index / 32u]);
  if (W_FORMAT == 1u) {
    let word = bitcast<i32>(packed[index / 4u]); // four signed bytes, sign-extended by extractBits
    return vec4<f32>(vec4<i32>(extractBits(word, 0u, 8u), extractBits(word, 8u, 8u), extractBits(word, 16u, 8u), extractBits(word, 24u, 8u))) * scale;
  }
  let nibbles = packed[index / 8u] >> ((index % 8u) * 4u); // elements index .. index + 3 in the low 16 bits
  let q = vec4<u32>(nibbles & 15u, (nibbles >> 4u) & 15u, (nibbles >> 8u) & 15u, (nibbles >> 12u) & 15u);
  return (vec4<f32>(q) - 8.0) * scale;
}
