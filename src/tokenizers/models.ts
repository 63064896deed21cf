import { type ModelConfig, stageField, TokenizerFileError, UnsupportedTokenizerError } from './tokenizerJson';

/** A model token and the UTF-16 units [start, end) of the piece it covers (always whole characters). */
export interface ModelToken {
  id: number;
  token: string;
  start: number;
  end: number;
}

export interface TokenModel {
  /** Tokens of one pre-token (a "word"), with Hugging Face's (Rust) semantics. */
  tokenize(piece: string): ModelToken[];
  readonly vocab: Map<string, number>;
}

export function createModel(config: ModelConfig): TokenModel {
  const vocab = new Map<string, number>();
  for (const token in config.vocab) vocab.set(token, config.vocab[token]);
  return config.type === 'WordPiece' ? new WordPiece(config, vocab) : new Bpe(config, vocab);
}

const fail = (field: string, problem: string): never => {
  throw new TokenizerFileError(`tokenizer.json: ${field} ${problem}`);
};

/** WordPiece: greedy longest-match-first; a word with no full cover is one unknown token. */
class WordPiece implements TokenModel {
  private readonly prefix: string;
  private readonly unkId: number;
  private readonly unkToken: string;
  private readonly maxChars: number;

  constructor(config: ModelConfig, readonly vocab: Map<string, number>) {
    this.prefix = stageField(config, 'continuing_subword_prefix', 'string', '##');
    this.unkToken = stageField(config, 'unk_token', 'string', '[UNK]');
    this.maxChars = stageField(config, 'max_input_chars_per_word', 'number', 100);
    const unkId = vocab.get(this.unkToken);
    if (unkId === undefined) fail('model.unk_token', `${JSON.stringify(this.unkToken)} is not in model.vocab.`);
    this.unkId = unkId as number;
  }

  tokenize(piece: string): ModelToken[] {
    const chars = [...piece];
    const unknown = [{ id: this.unkId, token: this.unkToken, start: 0, end: piece.length }];
    if (chars.length > this.maxChars) return unknown;
    const unitOf = [0];
    for (const char of chars) unitOf.push(unitOf[unitOf.length - 1] + char.length);
    const tokens: ModelToken[] = [];
    let start = 0;
    while (start < chars.length) {
      let end = chars.length;
      let found: ModelToken | null = null;
      while (start < end) {
        const text = piece.slice(unitOf[start], unitOf[end]);
        const candidate = start > 0 ? this.prefix + text : text;
        const id = this.vocab.get(candidate);
        if (id !== undefined) {
          found = { id, token: candidate, start: unitOf[start], end: unitOf[end] };
          break;
        }
        end--;
      }
      if (found === null) return unknown;
      tokens.push(found);
      start = end;
    }
    return tokens;
  }
}

const utf8 = new TextEncoder();
const byteTokenName = (byte: number) => `<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`;
const MAX_CACHED_PIECE = 256;
const CACHE_ENTRIES = 10_000;

/**
 * Byte-pair encoding as Hugging Face's Rust `BPE` runs it: each character (with continuing_subword_prefix /
 * end_of_word_suffix) is a symbol, an unknown one becomes byte tokens (`byte_fallback`) or the unknown token
 * (consecutive ones fused with `fuse_unk`), then merges apply lowest rank first, leftmost first among equals.
 * Offsets are counted in UTF-8 bytes as Rust counts them and widened to whole characters.
 */
class Bpe implements TokenModel {
  private readonly merges = new Map<number, { rank: number; id: number }>();
  private readonly idToToken: string[] = [];
  private readonly unkId: number | null;
  private readonly fuseUnk: boolean;
  private readonly byteIds: (number | undefined)[] | null;
  private readonly prefix: string;
  private readonly suffix: string;
  private readonly ignoreMerges: boolean;
  private readonly cache = new Map<string, ModelToken[]>();

  constructor(config: ModelConfig, readonly vocab: Map<string, number>) {
    if (config.dropout !== undefined && config.dropout !== null && config.dropout !== 0) {
      throw new UnsupportedTokenizerError('tokenizer.json: model.dropout is set; BPE dropout is random and not supported.');
    }
    for (const [token, id] of vocab) this.idToToken[id] = token;
    const unkToken = stageField<string | null>(config, 'unk_token', 'string', null as unknown as string);
    this.unkId = unkToken === null ? null : vocab.get(unkToken) ?? fail('model.unk_token', `${JSON.stringify(unkToken)} is not in model.vocab.`);
    this.fuseUnk = stageField(config, 'fuse_unk', 'boolean', false);
    this.prefix = stageField(config, 'continuing_subword_prefix', 'string', '');
    this.suffix = stageField(config, 'end_of_word_suffix', 'string', '');
    this.ignoreMerges = stageField(config, 'ignore_merges', 'boolean', false);
    this.byteIds = stageField(config, 'byte_fallback', 'boolean', false)
      ? Array.from({ length: 256 }, (_, byte) => vocab.get(byteTokenName(byte)))
      : null;
    const merges = config.merges as unknown[];
    merges.forEach((merge, rank) => {
      const pair = typeof merge === 'string' ? splitMerge(merge) : merge;
      if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string' || typeof pair[1] !== 'string') {
        fail(`model.merges[${rank}]`, `must be "left right" or ["left", "right"], not ${JSON.stringify(merge)?.slice(0, 60)}.`);
      }
      const [left, right] = pair as [string, string];
      const leftId = vocab.get(left);
      const rightId = vocab.get(right);
      // The right-hand side drops the continuing_subword_prefix in the merged token, as in Rust.
      const merged = left + (this.prefix && right.startsWith(this.prefix) ? right.slice(this.prefix.length) : right);
      const id = vocab.get(merged);
      if (leftId === undefined || rightId === undefined || id === undefined) {
        fail(`model.merges[${rank}]`, `(${JSON.stringify(merge)}) uses a token that is not in model.vocab.`);
      }
      // A repeated merge keeps its last rank, as Rust's map does.
      this.merges.set(pairKey(leftId as number, rightId as number), { rank, id: id as number });
    });
  }

  tokenize(piece: string): ModelToken[] {
    if (piece.length === 0) return [];
    const cached = this.cache.get(piece);
    if (cached) return cached;
    const result = this.ignoreMerges && this.vocab.has(piece)
      ? [{ id: this.vocab.get(piece) as number, token: piece, start: 0, end: piece.length }]
      : this.mergeWord(piece);
    if (piece.length < MAX_CACHED_PIECE) {
      if (this.cache.size >= CACHE_ENTRIES) this.cache.clear();
      this.cache.set(piece, result);
    }
    return result;
  }

  private mergeWord(piece: string): ModelToken[] {
    // Symbols as Rust's Word holds them: an id and a length in UTF-8 bytes.
    const ids: number[] = [];
    const lengths: number[] = [];
    let unk: { id: number; length: number } | null = null;
    const chars = [...piece];
    chars.forEach((char, index) => {
      const byteLength = utf8.encode(char).length;
      let text = char;
      if (index > 0 && this.prefix) text = this.prefix + text;
      if (index === chars.length - 1 && this.suffix) text += this.suffix;
      const id = this.vocab.get(text);
      if (id !== undefined) {
        if (unk) {
          ids.push(unk.id);
          lengths.push(unk.length);
          unk = null;
        }
        ids.push(id);
        lengths.push(byteLength);
        return;
      }
      if (this.byteIds) {
        const byteIds = Array.from(utf8.encode(text), (byte) => (this.byteIds as (number | undefined)[])[byte]);
        if (byteIds.every((byteId) => byteId !== undefined)) {
          for (const byteId of byteIds) {
            ids.push(byteId as number);
            lengths.push(1);
          }
          return;
        }
      }
      if (this.unkId === null) return; // Rust drops a character it cannot represent
      if (unk && this.fuseUnk) {
        unk.length += byteLength;
      } else {
        if (unk) {
          ids.push(unk.id);
          lengths.push(unk.length);
        }
        unk = { id: this.unkId, length: byteLength };
      }
    });
    if (unk) {
      ids.push((unk as { id: number }).id);
      lengths.push((unk as { length: number }).length);
    }
    this.applyMerges(ids, lengths);
    return this.withOffsets(piece, ids, lengths);
  }

  /** Rust's Word::merge_all: a heap of (rank, position); stale entries are skipped when popped. */
  private applyMerges(ids: number[], lengths: number[]): void {
    const n = ids.length;
    if (n < 2) return;
    const next = Array.from({ length: n }, (_, i) => (i + 1 < n ? i + 1 : -1));
    const prev = Array.from({ length: n }, (_, i) => i - 1);
    const heap = new MergeHeap();
    const consider = (position: number) => {
      const right = next[position];
      if (right < 0) return;
      const merge = this.merges.get(pairKey(ids[position], ids[right]));
      if (merge) heap.push(merge.rank, position, merge.id);
    };
    for (let i = 0; i + 1 < n; i++) consider(i);
    while (heap.size > 0) {
      const [, position, newId] = heap.pop();
      if (lengths[position] === 0) continue;
      const right = next[position];
      if (right < 0) continue;
      const current = this.merges.get(pairKey(ids[position], ids[right]));
      if (!current || current.id !== newId) continue;
      ids[position] = newId;
      lengths[position] += lengths[right];
      lengths[right] = 0;
      next[position] = next[right];
      if (next[right] >= 0) prev[next[right]] = position;
      if (prev[position] >= 0) consider(prev[position]);
      consider(position);
    }
    let write = 0;
    for (let i = 0; i < n; i++) {
      if (lengths[i] === 0) continue;
      ids[write] = ids[i];
      lengths[write] = lengths[i];
      write++;
    }
    ids.length = write;
    lengths.length = write;
  }

  /** Cumulative byte offsets (as Rust computes them), widened to the characters they touch, in UTF-16 units. */
  private withOffsets(piece: string, ids: number[], lengths: number[]): ModelToken[] {
    const charStartOfByte: number[] = [];
    const charEndOfByte: number[] = [];
    let unit = 0;
    for (const char of piece) {
      const byteLength = utf8.encode(char).length;
      for (let byte = 0; byte < byteLength; byte++) {
        charStartOfByte.push(unit);
        charEndOfByte.push(unit + char.length);
      }
      unit += char.length;
    }
    let byte = 0;
    return ids.map((id, index) => {
      const first = Math.min(byte, charStartOfByte.length - 1);
      byte += lengths[index];
      const last = Math.min(byte - 1, charEndOfByte.length - 1);
      return { id, token: this.idToToken[id], start: charStartOfByte[first], end: charEndOfByte[last] };
    });
  }
}

const pairKey = (left: number, right: number) => left * 0x200000 + right;

function splitMerge(merge: string): [string, string] | null {
  const parts = merge.split(' ');
  return parts.length === 2 ? [parts[0], parts[1]] : null;
}

/** A binary min-heap of merges ordered by rank, then position (Rust's `Merge` ordering). */
class MergeHeap {
  private readonly items: [number, number, number][] = [];

  get size(): number {
    return this.items.length;
  }

  push(rank: number, position: number, id: number): void {
    const items = this.items;
    items.push([rank, position, id]);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!less(items[i], items[parent])) break;
      [items[i], items[parent]] = [items[parent], items[i]];
      i = parent;
    }
  }

  pop(): [number, number, number] {
    const items = this.items;
    const top = items[0];
    const last = items.pop() as [number, number, number];
    if (items.length > 0) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < items.length && less(items[left], items[smallest])) smallest = left;
        if (right < items.length && less(items[right], items[smallest])) smallest = right;
        if (smallest === i) break;
        [items[i], items[smallest]] = [items[smallest], items[i]];
        i = smallest;
      }
    }
    return top;
  }
}

const less = (a: [number, number, number], b: [number, number, number]) => a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);

