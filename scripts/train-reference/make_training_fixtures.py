"""Torch reference for the WebGPU training step (src/train), as llm.c's test_gpt2 does for its C trainer.

  /usr/bin/python3 scripts/train-reference/make_training_fixtures.py [<name> ...]

For the seeded tiny checkpoints test/fixtures/models/<name> (FIXTURES below: tiny-gpt2, tiny-bert-cls,
tiny-distilbert-cls, tiny-roberta-cls, tiny-gpt-neox, tiny-llama), a fixed batch and dropout off, runs the Hugging
Face architecture (scripts/reference/hf_models.py, hf_distilbert.py, hf_roberta.py, hf_gpt_neox.py, hf_llama.py) in
float64 and writes test/fixtures/training/<name>.json (only the names given, or all) with
  - every parameter's gradient at step 1, before clipping (Hugging Face names): complete for tensors of up to
    FULL_LIMIT elements, otherwise the L2 norm plus the values at a fixed set of indices (the largest magnitudes
    and an even spread);
  - the global gradient norm at step 1 and the loss of each of STEPS AdamW steps.

Optimizer, matching src/train/trainer.ts: torch.optim.AdamW with two parameter groups, as Hugging Face's Trainer
groups them: weight decay on matrices and embeddings, none on biases and LayerNorm weights (torch's AdamW would
otherwise decay every parameter). Gradients are clipped to MAX_GRAD_NORM by global norm
(torch.nn.utils.clip_grad_norm_), and each step's learning rate follows src/train/schedule.ts: linear warm-up,
then cosine decay to MIN_LR_RATIO of the peak.

The float64 sums depend on the BLAS: with Debian's OpenBLAS the committed tiny-gpt2 and tiny-bert-cls files come
out with about 65 values different by 5e-17 at most (gradients that are zero up to rounding), so
regenerate only the fixtures you change.
"""
import json
import math
import os
import sys

import torch
import torch.nn.functional as F

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "scripts", "reference"))
from hf_distilbert import DistilBertConfig, DistilBertForSequenceClassification  # noqa: E402
from hf_gpt_neox import GPTNeoXConfig, GPTNeoXForCausalLM  # noqa: E402
from hf_llama import LlamaConfig, LlamaForCausalLM  # noqa: E402
from hf_models import (  # noqa: E402
    BertConfig,
    BertForSequenceClassification,
    GPT2Config,
    GPT2LMHeadModel,
    load_hf_state_dict,
)
from hf_roberta import RobertaConfig, RobertaForSequenceClassification  # noqa: E402
from safetensors_io import read_safetensors  # noqa: E402

MODELS = os.path.join(ROOT, "test", "fixtures", "models")
OUT = os.path.join(ROOT, "test", "fixtures", "training")

STEPS = 10
FULL_LIMIT = 2048
SAMPLED_LARGEST = 64
SAMPLED_SPREAD = 64
OPTIMIZER = {
    "peak_lr": 1e-2,
    "warmup_steps": 2,
    "total_steps": STEPS,
    "decay": "cosine",
    "min_lr_ratio": 0.1,
    "beta1": 0.9,
    "beta2": 0.999,
    "eps": 1e-8,
    "weight_decay": 0.1,
    "max_grad_norm": 1.0,
}
IGNORE_INDEX = -100


def learning_rate(step):
    """src/train/schedule.ts learningRate for update `step` (0 for the first)."""
    o = OPTIMIZER
    if step < o["warmup_steps"]:
        return o["peak_lr"] * (step + 1) / o["warmup_steps"]
    min_lr = o["peak_lr"] * o["min_lr_ratio"]
    progress = min(1.0, (step - o["warmup_steps"]) / max(1, o["total_steps"] - o["warmup_steps"]))
    return min_lr + (o["peak_lr"] - min_lr) * 0.5 * (1 + math.cos(math.pi * progress))


def load(name, model_class, config_class):
    folder = os.path.join(MODELS, name)
    with open(os.path.join(folder, "config.json")) as f:
        config = config_class.from_hf(json.load(f))
    model = model_class(config).double()
    tensors, _ = read_safetensors(os.path.join(folder, "model.safetensors"))
    load_hf_state_dict(model, {k: v.double() for k, v in tensors.items()})
    return model


def rounded(x):
    return float(f"{x:.9g}")


def gradient_summary(grad):
    flat = grad.detach().reshape(-1)
    entry = {"shape": list(grad.shape), "norm": rounded(flat.norm().item())}
    if flat.numel() <= FULL_LIMIT:
        entry["values"] = [rounded(v) for v in flat.tolist()]
        return entry
    largest = torch.argsort(flat.abs(), descending=True, stable=True)[:SAMPLED_LARGEST].tolist()
    spread = torch.linspace(0, flat.numel() - 1, SAMPLED_SPREAD).round().long().tolist()
    indices = sorted(set(largest) | set(spread))
    entry["indices"] = indices
    entry["values"] = [rounded(flat[i].item()) for i in indices]
    return entry


def train(model, loss_fn):
    """STEPS AdamW steps on one fixed batch; returns (step-1 gradients by name, step-1 gradient norm, losses)."""
    named = list(model.named_parameters())  # tied tensors appear once, under their first name
    groups = [
        {"params": [p for _, p in named if p.dim() >= 2], "weight_decay": OPTIMIZER["weight_decay"]},
        {"params": [p for _, p in named if p.dim() < 2], "weight_decay": 0.0},
    ]
    optimizer = torch.optim.AdamW(
        groups, lr=OPTIMIZER["peak_lr"], betas=(OPTIMIZER["beta1"], OPTIMIZER["beta2"]), eps=OPTIMIZER["eps"]
    )
    losses, gradients, norm = [], None, None
    for step in range(STEPS):
        for group in optimizer.param_groups:
            group["lr"] = learning_rate(step)
        optimizer.zero_grad()
        loss = loss_fn(model)
        loss.backward()
        if step == 0:
            gradients = {name: gradient_summary(p.grad) for name, p in named}
        total = torch.nn.utils.clip_grad_norm_([p for _, p in named], OPTIMIZER["max_grad_norm"])
        if step == 0:
            norm = rounded(total.item())
        optimizer.step()
        losses.append(rounded(loss.item()))
    return gradients, norm, losses


def causal_lm_fixture(name, model_class, config_class, seed):
    """B 2, T 16 random ids; targets the next token, -100 at each end and on the second sequence's last 4."""
    model = load(name, model_class, config_class)
    B, T, V = 2, 16, model.config.vocab_size
    generator = torch.Generator().manual_seed(seed)
    ids = torch.randint(0, V, (B, T), generator=generator)
    targets = torch.cat([ids[:, 1:], torch.full((B, 1), IGNORE_INDEX)], dim=1)  # labels=input_ids, shifted
    targets[1, -4:] = IGNORE_INDEX  # as if the second sequence ended early (padding)

    def loss_fn(m):
        logits = m(ids)["logits"]  # (B, T, V)
        return F.cross_entropy(logits.reshape(-1, V), targets.reshape(-1), ignore_index=IGNORE_INDEX)

    gradients, norm, losses = train(model, loss_fn)
    batch = {"B": B, "T": T, "input_ids": ids.tolist(), "targets": targets.tolist()}
    return {"model": name, "task": "causal-lm", "batch": batch, "optimizer": OPTIMIZER,
            "grad_norm": norm, "losses": losses, "gradients": gradients}


def gpt2_fixture():
    return causal_lm_fixture("tiny-gpt2", GPT2LMHeadModel, GPT2Config, seed=1234)


def bert_fixture():
    model = load("tiny-bert-cls", BertForSequenceClassification, BertConfig)
    V = model.config.vocab_size
    lengths, T = [10, 7, 5], 10
    generator = torch.Generator().manual_seed(5678)
    ids = torch.zeros(len(lengths), T, dtype=torch.long)  # [PAD] = 0
    mask = torch.zeros(len(lengths), T, dtype=torch.long)
    types = torch.zeros(len(lengths), T, dtype=torch.long)
    for b, n in enumerate(lengths):
        ids[b, 0], ids[b, n - 1] = 101, 102  # [CLS] ... [SEP]
        ids[b, 1 : n - 1] = torch.randint(200, V, (n - 2,), generator=generator)  # clear of the special ids
        mask[b, :n] = 1
    types[0, 5:] = 1  # the first example is a sentence pair
    labels = torch.tensor([2, 0, 1])

    def loss_fn(m):
        return F.cross_entropy(m(ids, types, mask)["logits"], labels)

    gradients, norm, losses = train(model, loss_fn)
    batch = {"B": len(lengths), "T": T, "input_ids": ids.tolist(), "token_type_ids": types.tolist(),
             "attention_mask": mask.tolist(), "labels": labels.tolist()}
    return {"model": "tiny-bert-cls", "task": "sequence-classification", "batch": batch, "optimizer": OPTIMIZER,
            "grad_norm": norm, "losses": losses, "gradients": gradients}


def encoder_batch(lengths, T, V, bos, eos, pad, separator, seed):
    """bos ... eos of the given lengths, pad (attention mask 0) after; the first is a sentence pair whose segments
    are joined by `separator` at position 4 (DistilBERT [SEP], RoBERTa </s></s>). Words are ids 200 ... V - 2."""
    generator = torch.Generator().manual_seed(seed)
    ids = torch.full((len(lengths), T), pad, dtype=torch.long)
    mask = torch.zeros(len(lengths), T, dtype=torch.long)
    for b, n in enumerate(lengths):
        ids[b, 0], ids[b, n - 1] = bos, eos
        ids[b, 1 : n - 1] = torch.randint(200, V - 1, (n - 2,), generator=generator)  # clear of the special ids
        mask[b, :n] = 1
    ids[0, 4 : 4 + len(separator)] = torch.tensor(separator)
    return ids, mask


def sequence_classification_fixture(name, model_class, config_class, special, labels, seed):
    """B 3, T 10: lengths 10, 7, 5 with padding after; mean cross-entropy of the classifier."""
    model = load(name, model_class, config_class)
    lengths, T = [10, 7, 5], 10
    ids, mask = encoder_batch(lengths, T, model.config.vocab_size, seed=seed, **special)
    labels = torch.tensor(labels)

    def loss_fn(m):
        return F.cross_entropy(m(ids, mask)["logits"], labels)

    gradients, norm, losses = train(model, loss_fn)
    batch = {"B": len(lengths), "T": T, "input_ids": ids.tolist(), "attention_mask": mask.tolist(),
             "labels": labels.tolist()}
    return {"model": name, "task": "sequence-classification", "batch": batch, "optimizer": OPTIMIZER,
            "grad_norm": norm, "losses": losses, "gradients": gradients}


FIXTURES = {
    "tiny-gpt2": gpt2_fixture,
    "tiny-bert-cls": bert_fixture,
    # [CLS] 101, [SEP] 102, [PAD] 0; 2 labels
    "tiny-distilbert-cls": lambda: sequence_classification_fixture(
        "tiny-distilbert-cls", DistilBertForSequenceClassification, DistilBertConfig,
        dict(bos=101, eos=102, pad=0, separator=[102]), labels=[1, 0, 1], seed=2468),
    # <s> 0, </s> 2, <pad> 1; 3 labels
    "tiny-roberta-cls": lambda: sequence_classification_fixture(
        "tiny-roberta-cls", RobertaForSequenceClassification, RobertaConfig,
        dict(bos=0, eos=2, pad=1, separator=[2, 2]), labels=[2, 0, 1], seed=1357),
    # parallel residual, rotary on half of each head
    "tiny-gpt-neox": lambda: causal_lm_fixture("tiny-gpt-neox", GPTNeoXForCausalLM, GPTNeoXConfig, seed=4321),
    # grouped-query attention (4 heads, 2 kv heads), untied lm_head
    "tiny-llama": lambda: causal_lm_fixture("tiny-llama", LlamaForCausalLM, LlamaConfig, seed=8765),
}


def main():
    torch.set_num_threads(2)
    os.makedirs(OUT, exist_ok=True)
    names = sys.argv[1:] or list(FIXTURES)
    unknown = [n for n in names if n not in FIXTURES]
    if unknown:
        raise SystemExit(f"unknown fixtures {unknown}; known: {list(FIXTURES)}")
    for fixture in (FIXTURES[n]() for n in names):
        path = os.path.join(OUT, f"{fixture['model']}.json")
        with open(path, "w") as f:
            json.dump(fixture, f, separators=(",", ":"))
            f.write("\n")
        print(f"{path}: {os.path.getsize(path)} bytes; losses {fixture['losses'][0]:.6f} -> {fixture['losses'][-1]:.6f}")


if __name__ == "__main__":
    main()
