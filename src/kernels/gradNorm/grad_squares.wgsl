// partials[slotBase + chunk] = Σ grad² over one chunk of CHUNK elements, summed in order by one invocation: no
// workgroup reduction (barriers dominate on a software adapter), and a large tensor spreads over many invocations.
// Fixed chunks and orders keep the norm deterministic.
struct SquaresParams {
  n: u32,
  slotBase: u32,
}

@group(0) @binding(0) var<storage, read> grad: array<f32>; // (n)
@group(0) @binding(1) var<storage, read_write> partials: array<f32>; // (slots)
@group(0) @binding(2) var<uniform> squaresParams: SquaresParams;

const CHUNK = 4096u; // gradNorm.ts GRAD_NORM_CHUNK

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lane: u32) {
  let chunk = (group.x + group.y * groups.x) * 64u + lane;
  let start = chunk * CHUNK;
  if (start >= squaresParams.n) {
    return;
  }
  let end = min(start + CHUNK, squaresParams.n);
  var sum = 0.0;
  for (var i = start; i < end; i++) {
    sum += grad[i] * grad[i];
  }
  partials[squaresParams.slotBase + chunk] = sum;
}
