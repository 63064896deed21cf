// Fine-tuned DistilBERT and RoBERTa classifiers exported as Hugging Face folders: after training every parameter on
// the GPU (RoBERTa's position ids counted per padded row) or the head alone, the folder has exactly the names
// *ForSequenceClassification saves, and loads back into a model whose logits are the training graph's. With
// PLAYGROUND_EXPORT_DIR set the folders are written there for scripts/reference/check_export.py (the torch reference
// loads each with no missing or unexpected key).
import { describe, expect, it } from 'vitest';
import { exportFolder } from '../../finetune/export';
import { testGpu } from '../../kernels/testing';
import { Trainer } from '../../train/trainer';
import { readTrainingFixture } from '../../train/testing/torchReference';
import { SafetensorsFile } from '../../weights/safetensors';
import type { HostTensor } from '../../weights/host-tensor';
import { buildModel } from '../checkpoint';
import { createCpuBackend } from '../cpuBackend';
import { fixtureTrainGraph, loadFixture, type Fixture } from '../testing/fixtures';
import type { TrainBatch } from '../training/graph';

/** Ids the torch check runs on (check_export.py compares its logits with ours on them). */
const CHECK_IDS = [0, 17, 250, 999, 42, 2];

/** With PLAYGROUND_EXPORT_DIR, the folder and our logits on CHECK_IDS, for check_export.py. */
async function writeForTorch(name: string, files: File[], logits: Float32Array) {
  const dir = process.env.PLAYGROUND_EXPORT_DIR;
  if (!dir) return;
  const { mkdirSync, writeFileSync } = await import('node:fs');
  mkdirSync(`${dir}/${name}`, { recursive: true });
  for (const file of files) writeFileSync(`${dir}/${name}/${file.name}`, new Uint8Array(await file.arrayBuffer()));
  writeFileSync(`${dir}/${name}/expected_logits.json`, JSON.stringify({ input_ids: CHECK_IDS, logits: Array.from(logits) }));
}

/** The classification folder of `tensors`, loaded back on the CPU backend. */
async function exportAndReload(fixture: Fixture, tensors: HostTensor[], labels: string[], folder: string) {
  const architecture = fixture.family.architectureFor('classification');
  const files = exportFolder({ task: 'classification', architecture, baseConfig: fixture.config.raw, tensors, tokenizer: {}, labels, name: folder });
  const config = JSON.parse(await files[0].text());
  expect(config.architectures).toEqual([architecture]);
  const loaded = buildModel(createCpuBackend(), { config, weights: SafetensorsFile.parse(new Uint8Array(await files[1].arrayBuffer())) });
  await writeForTorch(folder, files, (await loaded.model.forward({ ids: CHECK_IDS }, { classify: true })).classLogits!);
  return loaded;
}

/** The classifier fixture's names: what *ForSequenceClassification's save_pretrained writes. */
const classifierNames = (family: string) => [...loadFixture(`tiny-${family}-cls`).source.names].sort();

describe.each([
  { base: 'tiny-distilbert-cls', family: 'distilbert' },
  { base: 'tiny-distilbert', family: 'distilbert' },
  { base: 'tiny-roberta-cls', family: 'roberta' },
  { base: 'tiny-roberta', family: 'roberta' },
])('$base fine-tuned and exported', ({ base, family }) => {
  const { batch: b } = readTrainingFixture(`tiny-${family}-cls`); // padded rows: RoBERTa's position ids restart per row
  const batch: TrainBatch = { ids: b.input_ids.flat(), attentionMask: b.attention_mask!.flat(), targets: b.labels!.map((label) => label % 2), B: b.B, T: b.T };
  const labels = ['no', 'yes'];

  it('every parameter: the folder reloads with the training graph\'s logits', async () => {
    const gpu = await testGpu();
    const fixture = loadFixture(base);
    const graph = fixtureTrainGraph(gpu, fixture, { maxB: batch.B, maxT: batch.T, numLabels: 2 });
    const trainer = new Trainer(gpu, graph, { schedule: { peakLr: 1e-2, warmupSteps: 1, totalSteps: 3, decay: 'linear' }, weightDecay: 0.1 });
    for (let step = 0; step < 2; step++) await trainer.step([batch]);
    const rec = gpu.recorder('export.test.evaluate');
    const evaluation = graph.recordEvaluation(rec, batch);
    await rec.submit();
    evaluation.release();
    const logits = await evaluation.logits!;
    const exported = await graph.read('param');
    expect(exported.map((tensor) => tensor.name).sort()).toEqual(classifierNames(family));
    const { model } = await exportAndReload(fixture, exported, labels, `${base}-full`);
    let worst = 0;
    for (let row = 0; row < batch.B; row++) {
      const length = b.attention_mask![row].reduce((sum, value) => sum + value, 0);
      const { classLogits } = await model.forward({ ids: b.input_ids[row].slice(0, length) }, { classify: true });
      classLogits!.forEach((value, k) => (worst = Math.max(worst, Math.abs(value - logits[row * 2 + k]))));
    }
    console.log(`${base}: GPU training graph vs the exported folder on the CPU, logits max abs diff ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(1e-4);
    trainer.dispose();
    graph.dispose();
  });

  it('head only: the folder carries the head under its Hugging Face names', async () => {
    const fixture = loadFixture(base);
    const { family: f, config, source } = fixture;
    const head = f.classifierHead!(config, source, 2, 3);
    const { model } = await exportAndReload(fixture, f.withClassifierHead!(config, source, head), labels, `${base}-head`);
    expect(model.heads).toEqual({ lm: false, classifier: true, pooler: false });
    expect((await model.readTensors()).map((tensor) => tensor.name).sort()).toEqual(classifierNames(family));
  });
});
