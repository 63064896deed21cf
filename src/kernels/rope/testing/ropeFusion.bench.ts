// Rope as its own pass (what the project ships: rope.ts on the new q|k rows, then attention.ts) against rope applied
// inside the flash attention kernel (a prototype written here only to be measured: it rotates the query at load and
// every key as it is read, so the cache holds unrotated keys). SmolLM2-135M's attention: 9 query heads, 3 kv heads
// of 64, rope_theta 100000, a (P, (H + 2·Hkv)·D) q|k|v cache. Both run the flash kernel (the row kernel has no fused
// twin). Prints the GPU time of each dispatch (timestamp queries, median) and benches the whole step.
// Run: npx vitest bench --run src/kernels/rope/testing/ropeFusion.bench.ts
import { bench, describe } from 'vitest';
import { Uniforms, type Recorder, type Tensor } from '../../../gpu';
import { attention } from '../../attention/attention';
import { maxAbsDiff, randomArray, testGpu, upload } from '../../testing';
import { rope } from '../rope';
import { ropeTable } from '../rope.ref';

const [H, Hkv, D, P] = [9, 3, 64, 256];
const Q = (H + 2 * Hkv) * D;
const QUADS = D / 4;
const HALF_QUADS = QUADS / 2;

/** The fused prototype for D = 64 (16 vec4s, rotate-half pairs c and c + 8), unrolled as attention.wgsl is. */
function fusedWgsl(): string {
  const quads = Array.from({ length: QUADS }, (_, c) => c);
  const rotated = (name: string, c: number, cos: string, sin: string) =>
    c < HALF_QUADS ? `${name}${c} * ${cos}${c} - ${name}${c + HALF_QUADS} * ${sin}${c}` : `${name}${c} * ${cos}${c - HALF_QUADS} + ${name}${c - HALF_QUADS} * ${sin}${c - HALF_QUADS}`;
  const halves = quads.slice(0, HALF_QUADS);
  return `
struct Params { Tq: u32, Tk: u32, H: u32, D: u32, stride: u32, q_offset: u32, kv_group: u32, scale: f32 }
@group(0) @binding(0) var<storage, read> qkv: array<vec4<f32>>; // (P, (H + 2·Hkv)·D), keys unrotated
@group(0) @binding(1) var<storage, read> cos_table: array<vec4<f32>>; // (P, D / 2)
@group(0) @binding(2) var<storage, read> sin_table: array<vec4<f32>>; // (P, D / 2)
@group(0) @binding(3) var<storage, read_write> out: array<vec4<f32>>; // (Tq, H·D)
@group(0) @binding(4) var<uniform> params: Params;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(local_invocation_index) lane: u32) {
  let i = group.x * 64u + lane;
  let h = group.y;
  if (i >= params.Tq) {
    return;
  }
  let position = params.q_offset + i;
  let q_base = ((position * params.stride) + h * params.D) / 4u;
${quads.map((c) => `  let raw_q${c} = qkv[q_base + ${c}u];`).join('\n')}
${halves.map((c) => `  let cos_q${c} = cos_table[position * ${HALF_QUADS}u + ${c}u];\n  let sin_q${c} = sin_table[position * ${HALF_QUADS}u + ${c}u];`).join('\n')}
${quads.map((c) => `  let query${c} = ${rotated('raw_q', c, 'cos_q', 'sin_q')};`).join('\n')}
${quads.map((c) => `  var values${c} = vec4<f32>(0.0);`).join('\n')}
  let kv_h = h / params.kv_group;
  var running_max = -3.0e38;
  var running_sum = 0.0;
  for (var j = 0u; j < min(params.Tk, position + 1u); j++) {
    let k_base = (j * params.stride + (params.H + kv_h) * params.D) / 4u;
${quads.map((c) => `    let raw_k${c} = qkv[k_base + ${c}u];`).join('\n')}
${halves.map((c) => `    let cos_k${c} = cos_table[j * ${HALF_QUADS}u + ${c}u];\n    let sin_k${c} = sin_table[j * ${HALF_QUADS}u + ${c}u];`).join('\n')}
    var product = 0.0;
${quads.map((c) => `    product += dot(query${c}, ${rotated('raw_k', c, 'cos_k', 'sin_k')});`).join('\n')}
    let score = product * params.scale;
    if (score > running_max) {
      let correction = exp(running_max - score);
      running_sum *= correction;
${quads.map((c) => `      values${c} *= correction;`).join('\n')}
      running_max = score;
    }
    let weight = exp(score - running_max);
    running_sum += weight;
    let v_base = (j * params.stride + (params.H + u32(${Hkv}) + kv_h) * params.D) / 4u;
${quads.map((c) => `    values${c} += weight * qkv[v_base + ${c}u];`).join('\n')}
  }
  let out_base = (i * params.H * params.D + h * params.D) / 4u;
${quads.map((c) => `  out[out_base + ${c}u] = values${c} / running_sum;`).join('\n')}
}`;
}

const gpu = await testGpu();
const data = randomArray(P * Q, 1, -1, 1);
const tableData = ropeTable({ rotaryDim: D, base: 100000, positions: P });
const cosData = tableData.filter((_, i) => i % 2 === 0);
const sinData = tableData.filter((_, i) => i % 2 === 1);
const table = upload(gpu, [tableData.length], 'f32', tableData, 'rope_table');
const cosTable = upload(gpu, [cosData.length], 'f32', cosData, 'cos_table');
const sinTable = upload(gpu, [sinData.length], 'f32', sinData, 'sin_table');
const fusedPipeline = gpu.pipeline('rope_fusion.bench.fused', fusedWgsl());
const median = (values: number[]) => values.slice().sort((a, b) => a - b)[Math.floor(values.length / 2)];

interface Step {
  name: string;
  separate(rec: Recorder): void;
  fused(rec: Recorder): void;
  outSeparate: Tensor;
  outFused: Tensor;
}

function step(Tq: number, past: number): Step {
  const Tk = past + Tq;
  const cacheSeparate = upload(gpu, [P * Q], 'f32', data, 'qkv_cache'); // keys of rows < past rotated below
  const cacheFused = upload(gpu, [P * Q], 'f32', data, 'qkv_cache_unrotated');
  const outSeparate = gpu.tensor([Tq, H * D], 'f32', 'out');
  const outFused = gpu.tensor([Tq, H * D], 'f32', 'out_fused');
  const rotate = (rec: Recorder, rows: number, first: number) =>
    rope(rec, { x: cacheSeparate, table, rows, heads: H + Hkv, D, rotaryDim: D, stride: Q, rowOffset: first, positionOffset: first });
  if (past > 0) {
    const rec = gpu.recorder('rope_fusion.bench.cache');
    rotate(rec, past, 0);
    void rec.submit();
  }
  return {
    name: `Tq=${Tq} after ${past} cached (H=${H} Hkv=${Hkv} D=${D})`,
    outSeparate,
    outFused,
    separate: (rec) => {
      gpu.write(cacheSeparate, data.subarray(past * Q, Tk * Q), past * Q); // the step's fresh q|k|v rows
      rotate(rec, Tq, past);
      attention(rec, {
        q: cacheSeparate, k: cacheSeparate, v: cacheSeparate, out: outSeparate, B: 1, Tq, Tk, H, Hkv, D, causal: true, qOffset: past,
        qStride: Q, kvStride: Q, qCol: past * Q, kCol: H * D, vCol: (H + Hkv) * D,
      }, { kernel: 'flash' });
    },
    fused: (rec) =>
      rec.dispatch({
        label: 'attention with rope inside', pipeline: fusedPipeline, bindings: [cacheFused, cosTable, sinTable, outFused],
        uniforms: new Uniforms().u32(Tq).u32(Tk).u32(H).u32(D).u32(Q).u32(past).u32(H / Hkv).f32(1 / Math.sqrt(D)).bytes(),
        workgroups: [Math.ceil(Tq / 64), H, 1],
      }),
  };
}

async function profiled(record: (rec: Recorder) => void): Promise<number[]> {
  const rec = gpu.recorder('rope_fusion.bench', { profile: true });
  record(rec);
  await rec.submit();
  return (await rec.timings()).map((timing) => timing.ms);
}

const options = { warmupIterations: 2, iterations: 20, time: 0, warmupTime: 0 };
for (const { name, separate, fused, outSeparate, outFused } of [step(128, 0), step(16, 0), step(1, 255), step(4, 252)]) {
  const rec = gpu.recorder('rope_fusion.bench.check');
  separate(rec);
  fused(rec);
  const [a, b] = [rec.read(outSeparate), rec.read(outFused)];
  await rec.submit();
  const diff = maxAbsDiff(await a, await b);
  if (!(diff < 1e-5)) throw new Error(`${name}: the fused prototype differs from rope + attention by ${diff}`);
  const ropeMs: number[] = [];
  const attentionMs: number[] = [];
  const fusedMs: number[] = [];
  for (let run = 0; run < 15; run++) {
    const [ropeTime, attentionTime] = await profiled(separate);
    const [fusedTime] = await profiled(fused);
    ropeMs.push(ropeTime);
    attentionMs.push(attentionTime);
    fusedMs.push(fusedTime);
  }
  console.log(`${name}: rope pass ${median(ropeMs).toFixed(3)} ms + attention ${median(attentionMs).toFixed(3)} ms; attention with rope inside ${median(fusedMs).toFixed(3)} ms (GPU medians of 15)`);
  describe(name, () => {
    bench('rope pass + attention', async () => {
      const step = gpu.recorder('rope_fusion.bench.separate');
      separate(step);
      await step.submit();
      await gpu.idle(); // submit() resolves at once without reads
    }, options);
    bench('rope inside attention', async () => {
      const step = gpu.recorder('rope_fusion.bench.fused');
      fused(step);
      await step.submit();
      await gpu.idle();
    }, options);
  });
}
