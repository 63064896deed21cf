/// <reference types="node" />
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generatedTokenizerPath } from '../../test/parity/references';
import { createTokenizerClient, type TokenizerPort } from './client';
import { createRequestHandler } from './requestHandler';
import { loadTokenizer } from './tokenizer';

/** The worker's handler on one end of a MessageChannel, the client on the other: real structured cloning. */
function connectClient() {
  const channel = new MessageChannel();
  const readFromPublic = async (url: string) => {
    try {
      return { status: 200, text: readFileSync(new URL(url), 'utf8') };
    } catch {
      return { status: 404, text: null, problem: 'HTTP 404' };
    }
  };
  const handle = createRequestHandler(readFromPublic);
  channel.port2.addEventListener('message', (event) => {
    void handle(event.data).then((response) => channel.port2.postMessage(response));
  });
  channel.port1.start();
  channel.port2.start();
  const pageBase = pathToFileURL(join(generatedTokenizerPath('gpt2'), '..', '..', '..', '/'));
  return { client: createTokenizerClient(channel.port1 as unknown as TokenizerPort, pageBase), close: () => channel.port1.close() };
}

function megabyteOfMobyDick(): string {
  const folder = join(process.cwd(), 'node_modules', '@stdlib', 'datasets-moby-dick', 'data');
  const chapters = readdirSync(folder).filter((file) => file.startsWith('chapter_') && file.endsWith('.txt'));
  const text = chapters.map((file) => readFileSync(join(folder, file), 'utf8')).join('\n');
  return text.slice(0, 1 << 20);
}

describe('tokenizer worker client', () => {
  it('tokenizes and decodes through messages, by built-in name and by JSON', async () => {
    const { client, close } = connectClient();
    const byName = await client.tokenize('I love learning about transformers.', 'bert-base-uncased');
    expect(byName.ids).toEqual([101, 1045, 2293, 4083, 2055, 19081, 1012, 102]);
    const json = JSON.parse(readFileSync(generatedTokenizerPath('gpt2'), 'utf8'));
    const byJson = await client.tokenize('Hello world', { key: 'my-gpt2', json });
    expect(await client.decode(byJson.ids, { key: 'my-gpt2', json })).toBe('Hello world');
    await expect(client.tokenize('x', { key: 'broken', json: {} })).rejects.toThrow(/Not a tokenizer.json/);
    close();
  });

  it('reports a missing file with its URL, and advises `npm install` only for the built-ins', async () => {
    const { client, close } = connectClient();
    const missing = pathToFileURL(join(process.cwd(), 'no-such-folder', 'tokenizer.json')).href;
    const error = await client.tokenize('x', missing).catch((caught: Error) => caught.message);
    expect(error).toBe(`Tokenizer file not found at ${missing} (HTTP 404).`);
    const folder = await client.tokenize('x', { folder: pathToFileURL(join(process.cwd(), 'no-such-folder')).href }).catch((caught: Error) => caught.message);
    expect(folder).toMatch(/^No tokenizer found at .*no-such-folder\/: tokenizer\.json \(HTTP 404\), vocab\.txt \(HTTP 404\)/);
    expect(folder).not.toMatch(/npm install/);
    close();
  });

  it('tokenizes 1 MB of text and reports how long it takes', async () => {
    const text = megabyteOfMobyDick();
    const { client, close } = connectClient();
    for (const name of ['bert-base-uncased', 'gpt2']) {
      await client.tokenize('warm up', name);
      const started = performance.now();
      const encoding = await client.tokenize(text, name);
      const roundTripMs = performance.now() - started;
      console.log(`[1 MB] ${name}: ${text.length} UTF-16 units -> ${encoding.ids.length} tokens, ` +
        `encode ${encoding.elapsedMs.toFixed(0)} ms in the handler, ${roundTripMs.toFixed(0)} ms with messaging`);
      const direct = loadTokenizer(JSON.parse(readFileSync(generatedTokenizerPath(name as 'gpt2'), 'utf8'))).encode(text.slice(0, 5000));
      expect(encoding.ids.slice(0, 100)).toEqual(direct.ids.slice(0, 100));
    }
    close();
  });
});
