// The walkthrough's kernel view: each traced stage is attributed to the WGSL dispatches that computed it (read off the
// order of the recording's dispatches and copies), the watched forward gives exactly the numbers of an unwatched one,
// and the recording after it is an ordinary (unprofiled) one again.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testGpu } from '../kernels/testing';
import type { Backend } from '../models/backend';
import { buildModel } from '../models/checkpoint';
import { createCpuBackend } from '../models/cpuBackend';
import { createGpuBackend } from '../models/gpuBackend';
import { FIXTURES, readCheckpoint } from '../models/testing/golden';
import { traceKernels, withDispatchLog, type KernelDispatch } from './trace';

/** The kernel names (labels up to the first space) of a stage's dispatches. */
const names = (dispatches: KernelDispatch[] | undefined) => (dispatches ?? []).map((d) => d.label.split(' ')[0]);

interface Expected {
  embeddings: string[];
  normed: string[];
  qkv: string[];
  attnOut: string;
  residual1: string[];
  ffnHidden: string[];
  residual2: string[];
  lens: string[];
  final: string[];
  logits: string[];
}

const CASES: [string, Expected][] = [
  ['tiny-gpt2', {
    // The fused Conv1D product, then its k|v columns copied into the KV cache (which holds k|v only).
    embeddings: ['embedding'], normed: ['layernorm'], qkv: ['matmul_kn_bias', 'copy_rows'], attnOut: 'matmul_kn_bias', residual1: ['add_in_place'],
    ffnHidden: ['layernorm', 'matmul_kn_bias_gelu_tanh'], residual2: ['add_in_place'], lens: ['layernorm', 'matmul_nk'],
    final: ['layernorm'], logits: ['matmul_nk'],
  }],
  ['tiny-llama', {
    // q and k|v projected apart (the KV cache holds the kv heads only), then both rotated.
    embeddings: ['embedding'], normed: ['rmsnorm'], qkv: ['matmul_nk', 'matmul_nk', 'rope', 'rope'], attnOut: 'matmul_nk', residual1: ['add_in_place'],
    ffnHidden: ['rmsnorm', 'matmul_nk', 'swiglu'], residual2: ['add_in_place'], lens: ['rmsnorm', 'matmul_nk'],
    final: ['rmsnorm'], logits: ['matmul_nk'],
  }],
  ['tiny-bert', {
    // Post-LN: no norm before attention and none at the end; each residual is an add and its LayerNorm; the lens is
    // the masked-LM head.
    embeddings: ['embedding', 'layernorm'], normed: [], qkv: ['matmul_nk_bias'], attnOut: 'matmul_nk_bias', residual1: ['add_in_place', 'layernorm'],
    ffnHidden: ['matmul_nk_bias_gelu_erf'], residual2: ['add_in_place', 'layernorm'], lens: ['matmul_nk_bias_gelu_erf', 'layernorm', 'matmul_nk_bias'],
    final: [], logits: ['matmul_nk_bias_gelu_erf', 'layernorm', 'matmul_nk_bias'],
  }],
];

describe.each(CASES)('the kernels of a traced %s forward', (name, expected) => {
  it('name the dispatches that computed each stage, with GPU times, and leave the numbers as they were', async () => {
    const gpu = await testGpu();
    const backend = createGpuBackend(gpu) as Backend<unknown>;
    const { model, config } = buildModel(backend, readCheckpoint(join(FIXTURES, 'models', name)));
    const ids = [5, 17, 250, 99, 4, 42, 7];
    const options = { logits: 'all', trace: { layers: [1] } } as const;
    const plain = await model.forward({ ids }, options);
    model.resetCache();
    const { result, log } = await withDispatchLog(gpu, backend, () => model.forward({ ids }, options));
    model.resetCache();
    expect(result.logits).toEqual(plain.logits);
    expect(result.trace!.layers[1]!.probs).toEqual(plain.trace!.layers[1]!.probs);

    const kernels = traceKernels(log!, result.trace!, result.logits!, config.dims.prenorm);
    expect(kernels.layers[0]).toBeUndefined();
    const layer = kernels.layers[1]!;
    expect(names(kernels.embeddings)).toEqual(expected.embeddings);
    expect(names(layer.normed)).toEqual(expected.normed);
    expect(names(layer.qkv)).toEqual(expected.qkv);
    expect(names(layer.probs)).toEqual(['attention']);
    expect(names(layer.mixed)).toEqual(['attention']);
    expect(layer.probs![0].label).toContain(`H=${config.dims.H}`);
    expect(names(layer.attnOut)).toEqual([expected.attnOut]);
    expect(names(layer.residual1)).toEqual(expected.residual1);
    expect(names(layer.ffnHidden)).toEqual(expected.ffnHidden);
    expect(names(layer.ffnOut)).toHaveLength(1);
    expect(names(layer.ffnOut)[0]).toMatch(/^matmul_/);
    expect(names(layer.residual2)).toEqual(expected.residual2);
    expect(names(layer.lens)).toEqual(expected.lens);
    expect(names(kernels.final)).toEqual(expected.final);
    expect(names(kernels.logits)).toEqual(expected.logits);
    for (const dispatch of [...kernels.embeddings, ...Object.values(layer).flat()]) {
      expect(dispatch.workgroups.every((n) => Number.isInteger(n) && n >= 1)).toBe(true);
      if (gpu.canProfile) expect(dispatch.ms).toBeGreaterThanOrEqual(0);
    }
    expect(kernels.timed).toBe(gpu.canProfile);
    expect(kernels.dispatches).toBeGreaterThan(config.dims.L * 5);

    // The next recording is the backend's ordinary one: nothing watched, nothing profiled.
    const after = await model.forward({ ids }, options);
    expect(after.logits).toEqual(plain.logits);
    console.log(`[trace kernels] ${name}: ${kernels.dispatches} dispatches, layer 1 ${JSON.stringify(Object.fromEntries(Object.entries(layer).map(([stage, d]) => [stage, names(d)])))}`);
    model.dispose();
  });
});

describe('the architecture a trace describes', () => {
  it('each model declares its architecture: rotary dims, the parallel residual, SwiGLU, RoBERTa position ids', () => {
    const of = (name: string) => buildModel(createCpuBackend(), readCheckpoint(join(FIXTURES, 'models', name))).model.architecture;
    expect(of('tiny-gpt2')).toEqual({ rotary: undefined, parallelResidual: false, mlp: 'gelu', positionIds: 'from-zero', paddingIdx: 0 });
    // tiny-gpt-neox: head size 8, rotary_pct 0.5, use_parallel_residual true (its config.json).
    expect(of('tiny-gpt-neox')).toMatchObject({ rotary: { dim: 4, base: 10000, scale: 1 }, parallelResidual: true, mlp: 'gelu' });
    expect(of('tiny-llama')).toMatchObject({ rotary: { dim: 8, base: 10000, scale: 1 }, parallelResidual: false, mlp: 'swiglu' });
    // tiny-roberta: pad_token_id 1, so its first token sits at position 2.
    expect(of('tiny-roberta')).toMatchObject({ positionIds: 'after-padding', paddingIdx: 1 });
  });

  it('logs nothing on the CPU backend', async () => {
    const backend = createCpuBackend() as Backend<unknown>;
    const { model } = buildModel(backend, readCheckpoint(join(FIXTURES, 'models', 'tiny-gpt2')));
    const { result, log } = await withDispatchLog(undefined, backend, () => model.forward({ ids: [1, 2, 3] }, { logits: 'all' }));
    expect(log).toBeUndefined();
    expect(result.logits).toHaveLength(3 * 1000);
  });
});
