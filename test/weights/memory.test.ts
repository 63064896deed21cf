import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { float32ToF16Bits } from '../../src/common/half';
import { loadModelFiles, parseWeightsFile } from '../../src/weights/sources';
import type { TensorSource } from '../../src/weights/tensor-source';

// Peak memory of loading real-size checkpoints (GPT-2 124M, BERT-base; synthetic weights at the real shapes) through
// the stand-in Hub over HTTP, then reading every tensor as f32 one at a time the way a model streams them to the GPU.
// Opt-in (minutes, ~2 GB of memory):  node scripts/weights-memory.mjs
const RUN = process.env.WEIGHTS_MEMORY === '1';
const MiB = 2 ** 20;

type Shape = [string, number[]];

/** GPT2LMHeadModel's tensors at GPT-2 124M (L 12, C 768, V 50,257, 1,024 positions), head tied to wte. */
function gpt2Shapes(): Shape[] {
  const [V, P, C, L] = [50257, 1024, 768, 12];
  const shapes: Shape[] = [['transformer.wte.weight', [V, C]], ['transformer.wpe.weight', [P, C]]];
  for (let l = 0; l < L; l++) {
    const h = `transformer.h.${l}.`;
    shapes.push(
      [`${h}ln_1.weight`, [C]], [`${h}ln_1.bias`, [C]], [`${h}attn.c_attn.weight`, [C, 3 * C]], [`${h}attn.c_attn.bias`, [3 * C]],
      [`${h}attn.c_proj.weight`, [C, C]], [`${h}attn.c_proj.bias`, [C]], [`${h}ln_2.weight`, [C]], [`${h}ln_2.bias`, [C]],
      [`${h}mlp.c_fc.weight`, [C, 4 * C]], [`${h}mlp.c_fc.bias`, [4 * C]], [`${h}mlp.c_proj.weight`, [4 * C, C]], [`${h}mlp.c_proj.bias`, [C]],
    );
  }
  shapes.push(['transformer.ln_f.weight', [C]], ['transformer.ln_f.bias', [C]]);
  return shapes;
}

/** BertForMaskedLM's tensors at bert-base (L 12, C 768, F 3,072, V 30,522, 512 positions), decoder tied. */
function bertShapes(): Shape[] {
  const [V, P, C, F, L] = [30522, 512, 768, 3072, 12];
  const e = 'bert.embeddings.';
  const shapes: Shape[] = [
    [`${e}word_embeddings.weight`, [V, C]], [`${e}position_embeddings.weight`, [P, C]], [`${e}token_type_embeddings.weight`, [2, C]],
    [`${e}LayerNorm.weight`, [C]], [`${e}LayerNorm.bias`, [C]],
  ];
  for (let l = 0; l < L; l++) {
    const b = `bert.encoder.layer.${l}.`;
    for (const p of ['query', 'key', 'value']) shapes.push([`${b}attention.self.${p}.weight`, [C, C]], [`${b}attention.self.${p}.bias`, [C]]);
    shapes.push(
      [`${b}attention.output.dense.weight`, [C, C]], [`${b}attention.output.dense.bias`, [C]],
      [`${b}attention.output.LayerNorm.weight`, [C]], [`${b}attention.output.LayerNorm.bias`, [C]],
      [`${b}intermediate.dense.weight`, [F, C]], [`${b}intermediate.dense.bias`, [F]],
      [`${b}output.dense.weight`, [C, F]], [`${b}output.dense.bias`, [C]], [`${b}output.LayerNorm.weight`, [C]], [`${b}output.LayerNorm.bias`, [C]],
    );
  }
  shapes.push(
    ['bert.pooler.dense.weight', [C, C]], ['bert.pooler.dense.bias', [C]], ['cls.predictions.transform.dense.weight', [C, C]],
    ['cls.predictions.transform.dense.bias', [C]], ['cls.predictions.transform.LayerNorm.weight', [C]],
    ['cls.predictions.transform.LayerNorm.bias', [C]], ['cls.predictions.bias', [V]],
  );
  return shapes;
}

/** A safetensors file written straight into one buffer (no f32 copy per tensor): values from a tiny LCG. */
function syntheticSafetensors(shapes: Shape[], dtype: 'F32' | 'F16'): Uint8Array {
  const bytesPer = dtype === 'F32' ? 4 : 2;
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  let offset = 0;
  for (const [name, shape] of shapes) {
    const length = shape.reduce((a, b) => a * b, 1) * bytesPer;
    header[name] = { dtype, shape, data_offsets: [offset, offset + length] };
    offset += length;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerLength = Math.ceil(json.length / 8) * 8;
  const file = new Uint8Array(8 + headerLength + offset).fill(0x20, 8, 8 + headerLength);
  new DataView(file.buffer).setBigUint64(0, BigInt(headerLength), true);
  file.set(json, 8);
  const chunk = new Float32Array(1 << 16);
  let state = 12345;
  for (let at = 8 + headerLength; at < file.length; at += chunk.length * bytesPer) {
    for (let i = 0; i < chunk.length; i++) chunk[i] = ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 31 - 1) * 0.05;
    const bytes = dtype === 'F32' ? new Uint8Array(chunk.buffer) : new Uint8Array(float32ToF16Bits(chunk).buffer);
    file.set(bytes.subarray(0, Math.min(bytes.length, file.length - at)), at);
  }
  return file;
}

function memory() {
  const usage = process.memoryUsage();
  return { js: usage.heapUsed + usage.arrayBuffers, rss: usage.rss };
}

function collect() {
  (globalThis as { gc?: () => void }).gc?.();
}

/** A full collection, twice around a pause: V8 frees ArrayBuffer memory on a background sweeper after the GC. */
async function settle() {
  collect();
  await new Promise((resolve) => setTimeout(resolve, 100));
  collect();
}

interface Measured {
  case: string;
  fileMiB: number;
  loadSeconds: number;
  parseMs: number; // parsing the downloaded file (header, or zip directory + pickle): the main-thread block
  baseMiB: number;
  peakLoadMiB: number; // live heap + ArrayBuffers (collected before each sample), during download and parse
  peakLoadRawMiB: number; // the same without collecting: downloaded chunks not yet garbage-collected count too
  peakStreamMiB: number; // while reading every tensor as f32, one at a time, releasing as it goes
  peakHoldAllMiB: number; // the same, keeping every f32 tensor (what a loader without streaming holds)
  afterReleaseMiB: number;
}

async function measure(endpoint: string, id: string, label: string, fileBytes: number): Promise<Measured> {
  await settle();
  const base = memory().js;
  // Timing first, undisturbed; then the same load sampled every 2 ms (raw) and every 50 ms after a collection (live).
  const started = performance.now();
  const timed = await loadModelFiles({ kind: 'hub', id, endpoint }, { cache: null });
  const loadSeconds = (performance.now() - started) / 1000;
  const file = timed.weightFiles[0];
  timed.weights.release?.();
  const parseMs = await timeParse(`${endpoint}/${id}/resolve/main/${file}`, file);
  await settle();
  let rawPeak = base;
  let livePeak = base;
  const raw = setInterval(() => (rawPeak = Math.max(rawPeak, memory().js)), 2);
  const live = setInterval(() => {
    collect();
    livePeak = Math.max(livePeak, memory().js);
  }, 50);
  const files = await loadModelFiles({ kind: 'hub', id, endpoint }, { cache: null });
  clearInterval(raw);
  clearInterval(live);
  collect();
  livePeak = Math.max(livePeak, memory().js);
  const peakStream = stream(files.weights, false);
  await settle();
  const again = await loadModelFiles({ kind: 'hub', id, endpoint }, { cache: null });
  const peakHoldAll = stream(again.weights, true);
  await settle();
  return {
    case: label,
    fileMiB: fileBytes / MiB,
    loadSeconds,
    parseMs,
    baseMiB: base / MiB,
    peakLoadMiB: (livePeak - base) / MiB,
    peakLoadRawMiB: (rawPeak - base) / MiB,
    peakStreamMiB: (peakStream - base) / MiB,
    peakHoldAllMiB: (peakHoldAll - base) / MiB,
    afterReleaseMiB: (memory().js - base) / MiB,
  };
}

async function timeParse(url: string, file: string): Promise<number> {
  const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
  const started = performance.now();
  await parseWeightsFile(bytes, file);
  return performance.now() - started;
}

/** Reads every tensor as f32 in order; releases each (or keeps them all); returns the peak. */
function stream(source: TensorSource, holdAll: boolean): number {
  const kept: Float32Array[] = [];
  let peak = memory().js;
  for (const name of source.names) {
    const { data } = source.hostTensor(name);
    if (holdAll) kept.push(data);
    else source.release?.([name]);
    peak = Math.max(peak, memory().js);
  }
  source.release?.();
  return peak;
}

describe.skipIf(!RUN)('memory at real size (opt-in: WEIGHTS_MEMORY=1)', () => {
  let root: string;
  let hub: ChildProcess;
  let endpoint: string;
  const results: Measured[] = [];
  const sizes = new Map<string, number>();

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'weights-memory-'));
    const write = (repo: string, config: unknown, file: string, bytes: Uint8Array) => {
      mkdirSync(join(root, 'memory', repo), { recursive: true });
      writeFileSync(join(root, 'memory', repo, 'config.json'), JSON.stringify(config));
      writeFileSync(join(root, 'memory', repo, file), bytes);
      sizes.set(repo, bytes.length);
    };
    const gpt2Config = { model_type: 'gpt2', vocab_size: 50257, n_positions: 1024, n_embd: 768, n_layer: 12, n_head: 12 };
    const bertConfig = { model_type: 'bert', vocab_size: 30522, hidden_size: 768, num_hidden_layers: 12, num_attention_heads: 12 };
    write('gpt2-124m-f32', gpt2Config, 'model.safetensors', syntheticSafetensors(gpt2Shapes(), 'F32'));
    write('gpt2-124m-f16', gpt2Config, 'model.safetensors', syntheticSafetensors(gpt2Shapes(), 'F16'));
    write('bert-base-f32', bertConfig, 'model.safetensors', syntheticSafetensors(bertShapes(), 'F32'));
    // torch.save of the same shapes (lm_head tied to wte's storage), when Debian's torch is there to write it.
    if (existsSync('/usr/bin/python3')) {
      const folder = join(root, 'memory', 'gpt2-124m-bin');
      mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, 'config.json'), JSON.stringify(gpt2Config));
      const script = [
        'import collections, json, sys, torch',
        'shapes = json.loads(sys.argv[1]); g = torch.Generator().manual_seed(0); sd = collections.OrderedDict()',
        'for name, shape in shapes: sd[name] = torch.randn(*shape, generator=g) * 0.02',
        'sd["lm_head.weight"] = sd["transformer.wte.weight"].detach()',
        'torch.save(sd, sys.argv[2])',
      ].join('\n');
      try {
        execFileSync('/usr/bin/python3', ['-c', script, JSON.stringify(gpt2Shapes()), join(folder, 'pytorch_model.bin')], { stdio: 'inherit' });
        sizes.set('gpt2-124m-bin', Number(execFileSync('stat', ['-c', '%s', join(folder, 'pytorch_model.bin')]).toString()));
      } catch {
        console.log('no torch: the .bin case is skipped');
      }
    }
    collect();
    // The stand-in runs in its own process, so its file reads do not count in this one's memory.
    hub = spawn(process.execPath, ['scripts/hub-server.mjs', '--root', root, '--port', '0']);
    endpoint = await new Promise<string>((done) => hub.stdout!.once('data', (chunk: Buffer) => done(chunk.toString().trim())));
  }, 600_000);

  afterAll(() => {
    hub?.kill();
    rmSync(root, { recursive: true, force: true });
    console.table(results.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'number' ? Number(v.toFixed(1)) : v]))));
  });

  it.each(['gpt2-124m-f32', 'gpt2-124m-f16', 'bert-base-f32', 'gpt2-124m-bin'])('%s', async (repo) => {
    if (!sizes.has(repo)) return;
    const result = await measure(endpoint, `memory/${repo}`, repo, sizes.get(repo)!);
    results.push(result);
    console.log(JSON.stringify(result));
    // The file is held once (no second copy while downloading); once released, nothing is left.
    expect(result.peakLoadMiB).toBeLessThan(result.fileMiB * 1.1 + 32);
    expect(result.afterReleaseMiB).toBeLessThan(32);
  }, 600_000);
});
