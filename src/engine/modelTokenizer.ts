// The tokenizer of a model folder: its own tokenizer.json, one built from its vocab files, or (for a folder with
// neither) its family's built-in tokenizer — each only when its vocabulary fits the model's embedding table.

import { familyOf, parseModelConfig } from '../models/registry';
import { checkVocabularyFits, tokenizerFromFiles, type TokenizerFiles } from '../tokenizers/fromFiles';
import { builtinTokenizerUrl, isBuiltinTokenizerName, loadTokenizerUrl } from '../tokenizers/sources';
import type { TextTokenizer } from '../tokenizers/tokenizer';
import type { ModelFiles } from '../weights/sources';

/** The tokenizer and the tokenizer.json it runs (a built one for vocab-file folders: fine-tuning exports it). */
export async function tokenizerForModel(files: ModelFiles): Promise<{ tokenizer: TextTokenizer; json: unknown; builtFrom: string }> {
  const config = parseModelConfig(files.config);
  const family = familyOf(config);
  const own: TokenizerFiles = { ...(files.tokenizerFiles ?? {}), ...(files.tokenizer ? { tokenizerJson: files.tokenizer } : {}) };
  if (own.tokenizerJson !== undefined || own.vocabTxt !== undefined || own.vocabJson !== undefined) {
    const { tokenizer, builtFrom, json } = tokenizerFromFiles(own, { modelType: config.modelType });
    checkVocabularyFits(tokenizer, config.dims.V, `${builtFrom} of ${files.source}`);
    return { tokenizer, json, builtFrom };
  }
  const builtin = family.builtinTokenizer;
  if (!builtin || !isBuiltinTokenizerName(builtin)) {
    throw new Error(`${files.source} has no tokenizer files (tokenizer.json, vocab.txt, or vocab.json + merges.txt), and ${family.label} has no built-in tokenizer to fall back on.`);
  }
  const { tokenizer, json } = await loadTokenizerUrl(builtinTokenizerUrl(builtin).href, true);
  const builtFrom = `the ${builtin} built-in tokenizer`;
  checkVocabularyFits(tokenizer, config.dims.V, `${builtFrom}, as ${files.source} has no tokenizer files`);
  return { tokenizer, json, builtFrom };
}
