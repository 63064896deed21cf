// What the engine and fine-tuning used before model folders got tokenizerFromFiles: a built-in's URL and a
// tokenizer.json fetch. Kept until they move to loadTokenizerFolder / tokenizerFromFiles + checkVocabularyFits.
import { fetchFile } from './sources';


/** Fetches a tokenizer.json (the built-ins': a missing one means `npm install` has not run). */
export async function fetchTokenizerJson(url: string | URL): Promise<unknown> {
  const file = await fetchFile(String(url));
  if (file.text === null) {
    throw new Error(`Tokenizer file not found at ${url} (${file.problem}).${file.status === 0 ? '' : ' Run `npm install` to generate the built-in tokenizers.'}`);
  }
  return JSON.parse(file.text);
}
