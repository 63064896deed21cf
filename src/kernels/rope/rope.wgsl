// Rotary position embedding, Hugging Face's rotate-half convention, in place: for each row r, pair i < half and head
// h, (x1, x2) = (x[a], x[a + half]) with a = (row_offset + r)·stride + col + h·D + i becomes
// (x1·cos θ - x2·sin θ, x2·cos θ + x1·sin θ), θ the angle of pair i at the row's position (the table holds cos θ and
// sin θ, computed on the host in f32 as Hugging Face does). One invocation per (row, pair): one table read serves every
// head of the row. Dimensions past 2·half are not touched. INVERSE rotates by -θ (the backward).
override INVERSE: bool = false;

struct Params {
  rows: u32,
  heads: u32,
  D: u32,
  half: u32, // rotaryDim / 2
  stride: u32,
  col: u32,
  row_offset: u32,
  position_offset: u32,
  T: u32, // rows per sequence
}

@group(0) @binding(0) var<storage, read_write> x: array<f32>;
@group(0) @binding(1) var<storage, read> table: array<vec2<f32>>; // (P, half): (cos θ, sin θ)
@group(0) @binding(2) var<uniform> params: Params;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lane: u32) {
  let index = (group.x + group.y * groups.x) * 64u + lane; // r·half + i
  let half = params.half;
  if (index >= params.rows * half) {
    return;
  }
  let i = index % half;
  let r = index / half;
  let position = params.position_offset + r % params.T;
  var rotation = table[position * half + i];
  if (INVERSE) {
    rotation.y = -rotation.y;
  }
  let base = (params.row_offset + r) * params.stride + params.col + i;
  for (var h = 0u; h < params.heads; h++) {
    let a = base + h * params.D;
    let x1 = x[a];
    let x2 = x[a + half];
    x[a] = x1 * rotation.x - x2 * rotation.y;
    x[a + half] = x2 * rotation.x + x1 * rotation.y;
  }
}
