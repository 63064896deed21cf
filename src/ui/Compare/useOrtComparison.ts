import { useState } from 'react';
import { compareWithOrt, ortWasmForward, type CompareResult } from '../../onnx/engineComparison';
import { decodeForModel, encodeForModel, exportLoadedOnnx, tokenForModel } from '../../state/engineActions';
import { useAppStore } from '../../state/store';
import type { OrtProvider } from '../../onnx/ortSession';
import { softmaxRow, topK } from '../../common/softmax';

export interface Prediction {
  position: number;
  top: { token: string; probability: number }[];
}

export interface FastCpuRun {
  tokens: string[];
  attentions: Float32Array[]; // (L) x (H, T, T)
  /** GPT-2: the next token after the last position; BERT: each [MASK] position. */
  predictions: Prediction[];
  ms: number;
}

const TOP_K = 5;

/** The Compare tab's actions: our engine against onnxruntime-web, the .onnx download, and the ORT wasm fast path. */
export function useOrtComparison() {
  const [results, setResults] = useState<CompareResult[]>([]);
  const [fastRun, setFastRun] = useState<FastCpuRun>();
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<string>();

  const act = async (label: string, work: () => Promise<void>) => {
    setBusy(label);
    setError(undefined);
    try {
      await work();
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setBusy(undefined);
    }
  };

  const compare = (text: string, provider: OrtProvider) =>
    act(`comparing with ORT ${provider}`, async () => {
      const result = await compareWithOrt(encodeForModel(text).ids, { provider });
      setResults((previous) => [result, ...previous.filter((r) => r.provider !== provider)]);
    });

  const runFastCpu = (text: string) =>
    act('running in ORT wasm', async () => {
      const { ids, tokens } = encodeForModel(text);
      const { logits, attentions, ms } = await ortWasmForward(ids);
      const info = useAppStore.getState().model!;
      const decoder = info.kind === 'decoder';
      const positions = decoder ? [ids.length - 1] : tokens.flatMap((token, t) => (token === info.maskToken ? [t] : []));
      const V = logits.length / ids.length;
      const name = (id: number) => (decoder ? JSON.stringify(decodeForModel([id])) : tokenForModel(id));
      const predictions = positions.map((position) => ({
        position,
        top: topProbabilities(logits.subarray(position * V, (position + 1) * V)).map(({ id, probability }) => ({ token: name(id), probability })),
      }));
      setFastRun({ tokens, attentions, predictions, ms });
    });

  const download = () =>
    act('exporting', async () => {
      const { bytes, fileName } = exportLoadedOnnx();
      const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
      const link = Object.assign(document.createElement('a'), { href: url, download: fileName });
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    });

  return { results, fastRun, busy, error, compare, runFastCpu, download };
}

/** softmax over one row of logits, the TOP_K most probable ids. */
const topProbabilities = (row: Float32Array) => topK(softmaxRow(row), TOP_K).map(({ index, value }) => ({ id: index, probability: value }));
