// out[row, c] = wte[ids[row], c] + wpe[position_offset + row % T, c] (+ wtt[type_ids[row], c]), one element per
// invocation; with HAS_POSITION_IDS the position is position_ids[row] instead. Composed after wte_f32.wgsl,
// wte_f16.wgsl or wte_packed.wgsl (binding 1, token_embedding).
override HAS_TYPES: bool = false;
override HAS_POSITION_IDS: bool = false;

struct Params {
  rows: u32, // B·T
  T: u32,
  C: u32,
  position_offset: u32,
  wte_scales: u32, // a packed table (wte_packed.wgsl): word of its first scale
}

@group(0) @binding(0) var<storage, read> ids: array<u32>;
@group(0) @binding(2) var<storage, read> wpe: array<f32>;
@group(0) @binding(3) var<storage, read> type_ids: array<u32>;
@group(0) @binding(4) var<storage, read> wtt: array<f32>;
@group(0) @binding(5) var<storage, read_write> out: array<f32>;
@group(0) @binding(6) var<storage, read> position_ids: array<u32>;
@group(0) @binding(7) var<uniform> params: Params;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lane: u32) {
  let i = (group.x + group.y * groups.x) * 256u + lane;
  if (i >= params.rows * params.C) {
    return;
  }
  let row = i / params.C;
  let c = i % params.C;
  var position = params.position_offset + row % params.T;
  if (HAS_POSITION_IDS) {
    position = position_ids[row];
  }
  var value = token_embedding(ids[row] * params.C + c) + wpe[position * params.C + c];
  if (HAS_TYPES) {
    value += wtt[type_ids[row] * params.C + c];
  }
  out[i] = value;
}
