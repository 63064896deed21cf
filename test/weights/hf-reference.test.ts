// Real checkpoints saved by Hugging Face's own save_pretrained (../shared, not part of the project): their
// naming is what the mapping must accept. The naming variants are also covered by src/weights/*.test.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHubServer, type HubServer } from '../../scripts/hub-server.mjs';
import { bertWeightsFromSafetensors } from '../../src/weights/bert-weights';
import { parseModelConfig } from '../../src/weights/config';
import { gpt2WeightsFromSafetensors, gpt2WeightsToTensors } from '../../src/weights/gpt2-weights';
import { SafetensorsFile } from '../../src/weights/safetensors';
import { writeSafetensors } from '../../src/weights/safetensors-writer';
import { loadModelFiles } from '../../src/weights/sources';
import { hfReferenceDir } from './shared-reference';

const referenceDir = hfReferenceDir('hf-reference checkpoints');

function readModel(name: string) {
  const dir = join(referenceDir!, name);
  const config = parseModelConfig(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')));
  const file = SafetensorsFile.parse(readFileSync(join(dir, 'model.safetensors')), 'model.safetensors');
  return { config, file };
}

describe.skipIf(!referenceDir)('Hugging Face checkpoints from ../shared', () => {
  it('maps fake-gpt2 (transformer. prefix, Conv1D [in, out], tied head)', () => {
    const { config, file } = readModel('fake-gpt2');
    if (config.family !== 'gpt2') throw new Error('expected a gpt2 config');
    expect(file.metadata).toEqual({ format: 'pt' });
    const weights = gpt2WeightsFromSafetensors(file, config);
    expect(weights.wte).toMatchObject({ name: 'transformer.wte.weight', shape: [50257, 2] });
    expect(weights.wpe.shape).toEqual([1024, 2]);
    expect(weights.blocks).toHaveLength(1);
    expect(weights.blocks[0].attnWeight.shape).toEqual([2, 6]);
    expect(weights.blocks[0].fcWeight.shape).toEqual([2, 8]);
    expect(weights.lmHead).toBeUndefined();
    expect([...weights.blocks[0].ln1Weight.data]).toEqual([1, 1]); // HF initialises LayerNorm to identity
    const reexported = SafetensorsFile.parse(writeSafetensors(gpt2WeightsToTensors(weights)));
    expect([...reexported.names].sort()).toEqual([...file.names].sort());
  });

  it('maps bert-tiniest (bert. prefix, MLM head with tied decoder, no pooler)', () => {
    const { config, file } = readModel('bert-tiniest');
    if (config.family !== 'bert') throw new Error('expected a bert config');
    const weights = bertWeightsFromSafetensors(file, config);
    expect(weights.wordEmbeddings).toMatchObject({ name: 'bert.embeddings.word_embeddings.weight', shape: [30522, 4] });
    expect(weights.layers[0].intermediateWeight.shape).toEqual([8, 4]);
    expect(weights.pooler).toBeUndefined();
    expect(weights.mlmHead?.bias.shape).toEqual([30522]);
    expect(weights.mlmHead?.decoderWeight).toBeUndefined();
    expect(weights.classifier).toBeUndefined();
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
