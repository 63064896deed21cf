"""Shared pieces of the embedded-model trainers (train_gpt2.py, train_bert.py): corpus and split, the compact
training vocabulary, the training loop with checkpoints, export to a Hugging Face checkpoint, JSON helpers."""
import json
import math
import os
import subprocess
import sys
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "scripts", "reference"))
from safetensors_io import read_safetensors, write_safetensors  # noqa: E402

DATA_DIR = os.environ.get("PLAYGROUND_TRAIN_DIR", "/tmp/playground-train")  # token ids from tokenize_corpus.mjs
HELDOUT_EVERY = 20  # document i (in the sorted document list) is held out when i % 20 == 10
HELDOUT_SAMPLE_CHARS = 3000  # heldout.json text: the start of the first held-out address, cut at a sentence end


# --------------------------------------------------------------------------------------------------------------
# Corpus
# --------------------------------------------------------------------------------------------------------------

def load_documents(tokenizer_name):
    """[(name, ids np.int64 array)] for every document, in the order tokenize_corpus.mjs wrote them."""
    path = os.path.join(DATA_DIR, f"{tokenizer_name}.ids.u16")
    if not os.path.exists(path):
        raise SystemExit(f"{path} is missing: run `node scripts/train/tokenize_corpus.mjs {DATA_DIR}` first")
    ids = np.fromfile(path, dtype="<u2").astype(np.int64)
    with open(os.path.join(DATA_DIR, f"{tokenizer_name}.docs.json")) as f:
        index = json.load(f)
    return [(d["name"], ids[d["start"] : d["start"] + d["length"]]) for d in index]


def split_documents(docs):
    """(train, held-out) lists of documents: every 20th document is held out, spread over all eras and both books."""
    train = [d for i, d in enumerate(docs) if i % HELDOUT_EVERY != HELDOUT_EVERY // 2]
    heldout = [d for i, d in enumerate(docs) if i % HELDOUT_EVERY == HELDOUT_EVERY // 2]
    return train, heldout


def join_documents(docs, separator):
    """All documents' ids in one stream, each document followed by `separator`."""
    return np.concatenate([np.append(ids, separator) for _, ids in docs])


def heldout_sample_text(heldout_docs):
    """The first ~3000 characters of the first held-out State of the Union address, ending at a sentence end."""
    name = next(name for name, _ in heldout_docs if name.startswith("sotu/"))
    path = os.path.join(ROOT, "node_modules", "@stdlib", "datasets-sotu", "data", name.split("/", 1)[1])
    with open(path, encoding="utf-8") as f:
        text = f.read().strip()
    return name, text[: text.rfind(". ", 0, HELDOUT_SAMPLE_CHARS) + 1]


def encode(tokenizer_name, text):
    """Token ids of `text` (no special tokens) from the project's tokenizer.json via Hugging Face's Rust tokenizers."""
    return _node_tokenizer([tokenizer_name], text)


def decode(tokenizer_name, ids):
    return _node_tokenizer([tokenizer_name, "--decode"], json.dumps([int(i) for i in ids]))


def _node_tokenizer(args, stdin):
    out = subprocess.run(["node", os.path.join(HERE, "encode.mjs"), *args], input=stdin.encode("utf-8"),
                         capture_output=True, check=True, cwd=ROOT)
    return json.loads(out.stdout)


# --------------------------------------------------------------------------------------------------------------
# Compact training vocabulary
# --------------------------------------------------------------------------------------------------------------

class CompactVocab:
    """Trains the softmax over frequent tokens only, exactly equivalent to a full-vocabulary model.

    Every token seen at least `min_count` times in the training split (plus `always_keep`) gets its own row; all
    other ids (rare or never seen) share ONE embedding row (and, for BERT, one output bias). In the exported
    full-vocabulary checkpoint those ids get copies of the shared row, so each of them has the same logit; the
    compact model therefore scores the shared row with `log(n_rare)` added (the log-sum of n_rare equal logits) and
    a rare target's full-vocabulary loss is the compact loss plus log(n_rare). Training and the full model agree.
    """

    def __init__(self, counts, min_count, always_keep):
        keep = counts >= min_count
        keep[list(always_keep)] = True
        self.vocab_size = len(counts)
        self.kept = np.flatnonzero(keep)  # full ids with their own row, ascending
        self.rare_index = len(self.kept)  # compact index of the shared row
        self.size = len(self.kept) + 1
        self.n_rare = self.vocab_size - len(self.kept)
        self.log_n_rare = math.log(self.n_rare)
        to_compact = np.full(self.vocab_size, self.rare_index, dtype=np.int64)
        to_compact[self.kept] = np.arange(len(self.kept))
        self.to_compact = torch.from_numpy(to_compact)  # (V,) full id -> compact index
        self.logit_offset = torch.zeros(self.size)
        self.logit_offset[self.rare_index] = self.log_n_rare  # (size,)

    def expand(self, rows):
        """(size, ...) compact rows -> (V, ...) full-vocabulary rows."""
        return rows[self.to_compact]

    def full_nll(self, compact_nll, full_targets):
        """Full-vocabulary negative log-likelihood from the compact one."""
        return compact_nll + (self.to_compact[full_targets] == self.rare_index).double() * self.log_n_rare

    def describe(self, min_count):
        return {"min_count": min_count, "own_rows": int(len(self.kept)), "shared_row_ids": int(self.n_rare)}


# --------------------------------------------------------------------------------------------------------------
# Training loop
# --------------------------------------------------------------------------------------------------------------

def learning_rate(step, steps, peak, warmup, decay_fraction):
    """Warmup-stable-decay: linear warmup, constant peak, then a linear decay to 10% of the peak over the last
    `decay_fraction` of the steps. Before the decay starts the rate does not depend on `steps`, so a run can be
    lengthened or shortened from a checkpoint taken before the decay and still equal a fresh run of that length."""
    decay_start = steps - int(decay_fraction * steps)
    if step < warmup:
        return peak * (step + 1) / warmup
    if step < decay_start:
        return peak
    return peak * (1.0 - 0.9 * (step - decay_start + 1) / (steps - decay_start))


def train(model, loss_on_batch, make_batch, evaluate, hp, checkpoint_path, log_path):
    """AdamW training for hp['steps'] steps (or until hp['max_minutes']), checkpointing every hp['checkpoint_every']
    steps to `checkpoint_path` and resuming from it when present. make_batch(step) must be a pure function of the
    step so that a resumed run sees the same data. Returns a summary dict for the model card."""
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": hp["weight_decay"]},
                             {"params": no_decay, "weight_decay": 0.0}], lr=hp["lr"], betas=(0.9, 0.98), eps=1e-8)
    step, elapsed, history = 0, 0.0, []
    if os.path.exists(checkpoint_path):
        state = torch.load(checkpoint_path)
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["optimizer"])
        step, elapsed, history = state["step"], state["elapsed"], state["history"]
        print(f"resumed at step {step} ({elapsed / 60:.1f} min)", flush=True)
    decay_start = hp["steps"] - int(hp["decay_fraction"] * hp["steps"])
    log = open(log_path, "a")
    started = time.time() - elapsed
    running = None
    while step < hp["steps"]:
        if time.time() - started > hp["max_minutes"] * 60:
            print(f"time limit reached at step {step}", flush=True)
            break
        lr = learning_rate(step, hp["steps"], hp["lr"], hp["warmup"], hp["decay_fraction"])
        for group in opt.param_groups:
            group["lr"] = lr
        model.train()
        loss = loss_on_batch(model, make_batch(step))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        running = loss.item() if running is None else 0.98 * running + 0.02 * loss.item()
        if step % hp["log_every"] == 0 or step == hp["steps"]:
            model.eval()
            with torch.no_grad():
                metrics = evaluate(model)
            entry = {"step": step, "minutes": round((time.time() - started) / 60, 2), "lr": lr,
                     "train_loss": round(running, 4), **metrics}
            history.append(entry)
            line = json.dumps(entry)
            print(line, flush=True)
            log.write(line + "\n")
            log.flush()
        if step % hp["checkpoint_every"] == 0 or step == hp["steps"] or step == decay_start:
            state = {"model": model.state_dict(), "optimizer": opt.state_dict(), "step": step,
                     "elapsed": time.time() - started, "history": history}
            torch.save(state, checkpoint_path)
            if step == decay_start:  # the last state every longer run shares: resume from it to lengthen this one
                torch.save(state, checkpoint_path.replace(".ckpt.pt", f".step{step}.ckpt.pt"))
    model.eval()
    return {"steps_done": step, "minutes": round((time.time() - started) / 60, 1), "history": history}


# --------------------------------------------------------------------------------------------------------------
# Export
# --------------------------------------------------------------------------------------------------------------

def export_checkpoint(folder, config, tensors):
    """config.json and an F16 model.safetensors in Hugging Face layout; returns the tensors as stored (float32)."""
    os.makedirs(folder, exist_ok=True)
    write_json(os.path.join(folder, "config.json"), config)
    path = os.path.join(folder, "model.safetensors")
    write_safetensors(path, tensors, dtype="F16")
    stored, _ = read_safetensors(path)
    return {k: v.float() for k, v in stored.items()}


def sinusoid_positions(P, C, std=0.02):
    """(P, C) sinusoidal position table (Vaswani et al.) scaled to standard deviation `std`: the starting value of
    learned position embeddings, so that relative offsets are linear in them from the first step and a head can find
    its neighbours (the previous token, the next one) far sooner than from noise."""
    angle = torch.arange(P)[:, None] / 10000.0 ** (torch.arange(0, C, 2) / C)  # (P, C/2)
    sinusoids = torch.stack([angle.sin(), angle.cos()], dim=-1).reshape(P, C)  # (P, C), std 1/sqrt(2)
    return std * math.sqrt(2.0) * sinusoids


def offset_attention(attentions, offset):
    """Per layer and head, the mean attention weight from token i to token i + offset (-1: previous token, +1: next),
    averaged over the rows that have such a token. attentions: [L x (B, H, T, T)] -> [[float] * H] * L."""
    return [[round(float(torch.diagonal(a[:, h], offset, dim1=-2, dim2=-1).mean()), 3) for h in range(a.shape[1])]
            for a in attentions]


def write_json(path, obj, indent=2):
    with open(path, "w") as f:
        json.dump(obj, f, indent=indent, sort_keys=indent is not None, ensure_ascii=False)
        f.write("\n")


def rounded(values, digits=7):
    """Floats rounded to `digits` significant digits, for small JSON files."""
    return [float(f"{v:.{digits}g}") for v in np.asarray(values, dtype=np.float64).ravel()]


def attention_table(history, key):
    """Markdown table of each head's neighbour attention (history key 'previous_token_attention' or
    'next_token_attention') at the first and the last evaluation of training."""
    first, last = history[0], history[-1]
    heads = len(last[key][0])
    rows = [f"| {l} | " + " | ".join(f"{a} -> **{b}**" for a, b in zip(before, after)) + " |"
            for l, (before, after) in enumerate(zip(first[key], last[key]))]
    return "\n".join([f"| layer | " + " | ".join(f"head {h}" for h in range(heads)) + " |",
                      "|---|" + "---|" * heads, *rows,
                      f"\n(step {first['step']} -> step {last['step']})"])
