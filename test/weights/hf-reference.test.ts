// Real checkpoints saved by Hugging Face's own save_pretrained (../shared, not part of the project): their
// naming is what the families' name tables must accept. The naming variants are also covered by
// src/models/checkpointNames.test.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHubServer, type HubServer } from '../../scripts/hub-server.mjs';
import { buildModel } from '../../src/models/checkpoint';
import { createCpuBackend } from '../../src/models/cpuBackend';
import { parseModelConfig } from '../../src/models/registry';
import { SafetensorsFile } from '../../src/weights/safetensors';
import { loadModelFiles } from '../../src/weights/sources';
import { hfReferenceDir } from './shared-reference';

const referenceDir = hfReferenceDir('hf-reference checkpoints');

function readModel(name: string) {
  const dir = join(referenceDir!, name);
  const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as unknown;
  const file = SafetensorsFile.parse(readFileSync(join(dir, 'model.safetensors')), 'model.safetensors');
  return { loaded: buildModel(createCpuBackend(), { config, weights: file }), file };
}

describe.skipIf(!referenceDir)('Hugging Face checkpoints from ../shared', () => {
  it('maps fake-gpt2 (transformer. prefix, Conv1D [in, out], tied head)', async () => {
    const { loaded, file } = readModel('fake-gpt2');
    expect(loaded.family.id).toBe('gpt2');
    expect(file.metadata).toEqual({ format: 'pt' });
    expect(loaded.config.dims).toMatchObject({ V: 50257, P: 1024, C: 2, L: 1, F: 8 });
    const tensors = new Map((await loaded.model.readTensors()).map((tensor) => [tensor.name, tensor]));
    expect(tensors.get('transformer.h.0.attn.c_attn.weight')!.shape).toEqual([2, 6]);
    expect(tensors.has('lm_head.weight')).toBe(false);
    expect([...tensors.get('transformer.h.0.ln_1.weight')!.data]).toEqual([1, 1]); // HF initialises LayerNorm to identity
    expect([...tensors.keys()].sort()).toEqual([...file.names].filter((name) => !/\.attn\.(masked_)?bias$/.test(name)).sort());
  });

  it('maps bert-tiniest (bert. prefix, MLM head with tied decoder, no pooler)', async () => {
    const { loaded } = readModel('bert-tiniest');
    expect(loaded.family.id).toBe('bert');
    expect(loaded.model.heads).toEqual({ lm: true, classifier: false, pooler: false });
    const tensors = new Map((await loaded.model.readTensors()).map((tensor) => [tensor.name, tensor]));
    expect(tensors.get('bert.embeddings.word_embeddings.weight')!.shape).toEqual([30522, 4]);
    expect(tensors.get('bert.encoder.layer.0.intermediate.dense.weight')!.shape).toEqual([8, 4]);
    expect(tensors.get('cls.predictions.bias')!.shape).toEqual([30522]);
    expect(tensors.has('cls.predictions.decoder.weight')).toBe(false);
  });

  describe('served by hub-server', () => {
    let hub: HubServer;
    beforeAll(async () => {
      hub = await startHubServer({ roots: [referenceDir!], port: 0 });
    });
    afterAll(() => hub.close());

    it.each(['fake-gpt2', 'bert-tiniest'])('loads %s through its Hub URL layout', async (id) => {
      const loaded = await loadModelFiles({ kind: 'hub', id, endpoint: hub.url }, { cache: null });
      const config = parseModelConfig(loaded.config);
      expect(config.family).toBe(id === 'fake-gpt2' ? 'gpt2' : 'bert');
      const onDisk = readFileSync(join(referenceDir!, id, 'model.safetensors'));
      expect(Buffer.compare((loaded.weights as SafetensorsFile).bytes, onDisk)).toBe(0);
      const tokenizerModel = (loaded.tokenizer as { model: { type: string } }).model;
      expect(tokenizerModel.type).toBe(id === 'fake-gpt2' ? 'BPE' : 'WordPiece');
    });
  });
});
