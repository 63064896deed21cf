"""Build the golden fixtures for the engine tests.

  /usr/bin/python3 scripts/reference/make_fixtures.py

Writes, from fixed seeds:
  test/fixtures/models/<name>/{config.json, model.safetensors, golden.json}   tiny random checkpoints in
      Hugging Face layout (tiny-gpt2, tiny-gpt2-f16, tiny-bert, tiny-bert-cls) and their reference outputs
  test/fixtures/hf-reference-golden/<name>.json   reference outputs of the two checkpoints saved by Hugging Face
      itself in ../shared/data/hf-reference (skipped with a notice when that folder is absent)

The reference forward runs in float64 on the stored weights (float32, or float16 for tiny-gpt2-f16), so a golden
value is the exact result for those weights and the engine's float32 error is measured against it.
"""
import json
import math
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hf_models import (  # noqa: E402
    BertConfig,
    BertForMaskedLM,
    BertForPreTraining,
    BertForSequenceClassification,
    GPT2Config,
    GPT2LMHeadModel,
    hf_state_dict,
    load_hf_state_dict,
)
from safetensors_io import read_safetensors, write_safetensors  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FIXTURES = os.path.join(ROOT, "test", "fixtures")
HF_REFERENCE = os.path.abspath(os.path.join(ROOT, "..", "shared", "data", "hf-reference"))

LOGIT_COLUMNS = 64  # logits are stored for the first 64 vocabulary columns, plus probe columns and one full row
LOGIT_COLUMNS_LONG = 16  # the same for cases longer than MAX_T_WITH_LAYERS
PROBE_COLUMNS = 16  # evenly spread columns, the last vocabulary id included
MAX_T_WITH_LAYERS = 24  # longer cases keep only the final hidden state, to keep files small
TRANSFORMERS_VERSION = "4.36.2"  # the version whose save_pretrained output (in ../shared) these configs copy


# --------------------------------------------------------------------------------------------------------------
# config.json as Hugging Face writes it (sorted keys, indent 2)
# --------------------------------------------------------------------------------------------------------------

def gpt2_hf_config(name, vocab_size, n_positions, n_embd, n_layer, n_head):
    return {
        "_name_or_path": name,
        "activation_function": "gelu_new",
        "architectures": ["GPT2LMHeadModel"],
        "attn_pdrop": 0.1,
        "bos_token_id": vocab_size - 1,
        "embd_pdrop": 0.1,
        "eos_token_id": vocab_size - 1,
        "initializer_range": 0.02,
        "layer_norm_epsilon": 1e-05,
        "model_type": "gpt2",
        "n_ctx": n_positions,
        "n_embd": n_embd,
        "n_head": n_head,
        "n_inner": None,
        "n_layer": n_layer,
        "n_positions": n_positions,
        "reorder_and_upcast_attn": False,
        "resid_pdrop": 0.1,
        "scale_attn_by_inverse_layer_idx": False,
        "scale_attn_weights": True,
        "summary_activation": None,
        "summary_first_dropout": 0.1,
        "summary_proj_to_labels": True,
        "summary_type": "cls_index",
        "summary_use_proj": True,
        "torch_dtype": "float32",
        "transformers_version": TRANSFORMERS_VERSION,
        "use_cache": True,
        "vocab_size": vocab_size,
    }


def bert_hf_config(name, architecture, vocab_size, hidden_size, num_layers, num_heads, intermediate_size,
                   max_positions, id2label=None):
    cfg = {
        "_name_or_path": name,
        "architectures": [architecture],
        "attention_probs_dropout_prob": 0.1,
        "classifier_dropout": None,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "hidden_size": hidden_size,
        "initializer_range": 0.02,
        "intermediate_size": intermediate_size,
        "layer_norm_eps": 1e-12,
        "max_position_embeddings": max_positions,
        "model_type": "bert",
        "num_attention_heads": num_heads,
        "num_hidden_layers": num_layers,
        "pad_token_id": 0,
        "position_embedding_type": "absolute",
        "torch_dtype": "float32",
        "transformers_version": TRANSFORMERS_VERSION,
        "type_vocab_size": 2,
        "use_cache": True,
        "vocab_size": vocab_size,
    }
    if id2label is not None:
        cfg["id2label"] = {str(i): label for i, label in id2label.items()}
        cfg["label2id"] = {label: i for i, label in id2label.items()}
    return cfg


def write_json(path, obj, indent=2):
    with open(path, "w") as f:
        json.dump(obj, f, indent=indent, sort_keys=indent is not None, allow_nan=False)
        f.write("\n")


# --------------------------------------------------------------------------------------------------------------
# Random initialisation, large enough that attention is far from uniform and wrong kernels show
# --------------------------------------------------------------------------------------------------------------

def randomize(model, seed, std=0.2, embedding_std=0.5):
    """Every parameter random: matrices N(0, std), embeddings N(0, embedding_std), LayerNorm gains 1 + N(0, 0.1),
    biases N(0, 0.1), so that a forgotten bias, gain or embedding table changes the outputs."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():  # tied aliases appear once
            noise = torch.randn(p.shape, generator=g)
            if "LayerNorm" in name or ".ln_" in name:
                p.copy_(1.0 + 0.1 * noise if name.endswith("weight") else 0.1 * noise)
            elif name.endswith("bias"):
                p.copy_(0.1 * noise)
            elif "embeddings" in name or name.split(".")[-2] in ("wte", "wpe"):
                p.copy_(embedding_std * noise)
            else:
                p.copy_(std * noise)


# --------------------------------------------------------------------------------------------------------------
# Golden outputs
# --------------------------------------------------------------------------------------------------------------

def rounded(x):
    """A tensor as nested lists of floats with float32 precision (9 significant digits)."""
    if isinstance(x, torch.Tensor):
        x = x.detach().cpu().double().numpy()
    return np.vectorize(lambda v: float(f"{v:.9g}"), otypes=[object])(np.asarray(x)).tolist()


def probe_columns(vocab_size):
    return sorted(set(np.linspace(0, vocab_size - 1, PROBE_COLUMNS).round().astype(int).tolist()))


def logits_summary(logits, full_row):
    """logits (T, V) -> the stored views of it."""
    V = logits.shape[-1]
    probes = probe_columns(V)
    top = logits.topk(5, dim=-1)
    columns = LOGIT_COLUMNS if logits.shape[0] <= MAX_T_WITH_LAYERS else LOGIT_COLUMNS_LONG
    out = {
        "logits": rounded(logits[:, :columns]),  # (T, min(V, 64)), or (T, 16) for long cases
        "logits_probe_columns": probes,
        "logits_probe": rounded(logits[:, probes]),  # (T, len(probes))
        "logits_logsumexp": rounded(logits.logsumexp(dim=-1)),  # (T,)
        "logits_argmax": logits.argmax(dim=-1).tolist(),  # (T,)
        "logits_top5_ids": top.indices.tolist(),  # (T, 5)
        "logits_top5": rounded(top.values),  # (T, 5)
    }
    if full_row is not None:
        out["logits_full_row_index"] = full_row
        out["logits_full_row"] = rounded(logits[full_row])  # (V,)
    return out


def encoder_layers_summary(out, T):
    case = {"last_hidden_state": rounded(out["last_hidden_state"][0])}  # (T, C)
    if T <= MAX_T_WITH_LAYERS:
        case["hidden_states"] = rounded(torch.stack(out["hidden_states"])[:, 0])  # (L+1, T, C)
        case["attentions"] = rounded(torch.stack(out["attentions"])[:, 0])  # (L, H, T, T)
    return case


@torch.no_grad()
def gpt2_case(model, name, ids, with_full_row):
    x = torch.tensor([ids])
    out = model(x)
    logits = out["logits"][0]  # (T, V)
    loss = torch.nn.functional.cross_entropy(logits[:-1], x[0, 1:])  # mean next-token loss, as HF's labels=input_ids
    case = {"name": name, "input_ids": ids}
    case.update(logits_summary(logits, len(ids) - 1 if with_full_row else None))
    case.update(encoder_layers_summary(out, len(ids)))
    if len(ids) > 1:  # a single token has no next token to predict
        case["loss"] = float(f"{loss.item():.9g}")
    return case


@torch.no_grad()
def greedy(model, prompt_ids, steps):
    """Greedy decoding with a full forward per step (no cache), the simplest possible check for a KV cache."""
    ids = list(prompt_ids)
    for _ in range(steps):
        ids.append(int(model(torch.tensor([ids]))["logits"][0, -1].argmax()))
    return {"prompt_ids": list(prompt_ids), "generated_ids": ids[len(prompt_ids):]}


@torch.no_grad()
def bert_case(model, name, ids, token_type_ids=None, attention_mask=None, with_full_row=True, mask_token_id=103):
    x = torch.tensor([ids])
    tt = torch.tensor([token_type_ids]) if token_type_ids is not None else torch.zeros_like(x)
    am = torch.tensor([attention_mask]) if attention_mask is not None else torch.ones_like(x)
    out = model(x, tt, am)
    case = {"name": name, "input_ids": ids, "token_type_ids": tt[0].tolist(), "attention_mask": am[0].tolist()}
    if isinstance(model, BertForSequenceClassification):
        case["logits"] = rounded(out["logits"][0])  # (num_labels,)
    else:
        real = int(am.sum())
        full_row = ids.index(mask_token_id) if mask_token_id in ids else real - 1
        case.update(logits_summary(out["logits"][0], full_row if with_full_row else None))
    case.update(encoder_layers_summary(out, len(ids)))
    if out["pooler_output"] is not None:
        case["pooler_output"] = rounded(out["pooler_output"][0])  # (C,)
    if "seq_relationship_logits" in out:
        case["seq_relationship_logits"] = rounded(out["seq_relationship_logits"][0])  # (2,)
    return case


def golden_header(name, config):
    return {
        "model": name,
        "architecture": config["architectures"][0],
        "reference": "scripts/reference/hf_models.py, float64 forward of the stored weights",
        "vocab_size": config["vocab_size"],
        "notes": "logits: first 64 vocabulary columns (16 for cases longer than 24 tokens); hidden_states[0] is the embedding output, then one per layer "
                 "(GPT-2: the last one after ln_f); attentions: (L, H, T, T) softmax probabilities",
    }


# --------------------------------------------------------------------------------------------------------------
# Tiny checkpoints
# --------------------------------------------------------------------------------------------------------------

def save_checkpoint(folder, config, model, dtype="F32"):
    os.makedirs(folder, exist_ok=True)
    if dtype == "F16":
        config = dict(config, torch_dtype="float16")
    write_json(os.path.join(folder, "config.json"), config)
    path = os.path.join(folder, "model.safetensors")
    tensors = hf_state_dict(model)
    write_safetensors(path, tensors, dtype=dtype)
    # Read it back: same keys, same values (after the storage rounding), then run the reference on what was stored.
    stored, _ = read_safetensors(path)
    assert set(stored) == set(tensors), "safetensors round trip changed the keys"
    for k, v in tensors.items():
        expected = v.half().float() if dtype == "F16" else v.float()
        assert torch.equal(stored[k].float(), expected), f"safetensors round trip changed {k}"
    load_hf_state_dict(model, {k: v.double() for k, v in stored.items()})


def make_tiny_gpt2(name, dtype, rng):
    cfg = gpt2_hf_config(name, vocab_size=1000, n_positions=64, n_embd=32, n_layer=2, n_head=4)
    model = GPT2LMHeadModel(GPT2Config.from_hf(cfg)).double()
    randomize(model, seed=1)
    folder = os.path.join(FIXTURES, "models", name)
    save_checkpoint(folder, cfg, model, dtype)
    V, P = cfg["vocab_size"], cfg["n_positions"]
    golden = golden_header(name, cfg)
    golden["cases"] = [
        gpt2_case(model, "short", rng.integers(0, V, 12).tolist(), with_full_row=True),
        gpt2_case(model, "single_token", [V - 1], with_full_row=True),
    ]
    if dtype == "F32":
        golden["cases"].append(gpt2_case(model, "full_context", rng.integers(0, V, P).tolist(), with_full_row=False))
    golden["greedy"] = greedy(model, rng.integers(0, V, 5).tolist(), steps=12)
    write_json(os.path.join(folder, "golden.json"), golden, indent=None)


def bert_cases(model, V, rng, with_full_row=True):
    """Single sentence with a [MASK], a sentence pair, and the single sentence padded to a longer length."""
    CLS, SEP, MASK, PAD = 101, 102, 103, 0
    words = rng.integers(104, V, 17).tolist()
    single = [CLS] + words[:4] + [MASK] + words[4:7] + [SEP]
    pair = [CLS] + words[7:11] + [SEP] + words[11:17] + [SEP]
    pair_types = [0] * 6 + [1] * 7
    padded = single + [PAD] * 5
    return [
        bert_case(model, "single", single, with_full_row=with_full_row),
        bert_case(model, "pair", pair, token_type_ids=pair_types, with_full_row=with_full_row),
        bert_case(model, "padded", padded, attention_mask=[1] * len(single) + [0] * 5, with_full_row=with_full_row),
    ]


def make_tiny_bert(rng):
    name = "tiny-bert"
    cfg = bert_hf_config(name, "BertForPreTraining", vocab_size=1000, hidden_size=32, num_layers=2, num_heads=4,
                         intermediate_size=64, max_positions=64)
    model = BertForPreTraining(BertConfig.from_hf(cfg)).double()
    randomize(model, seed=2)
    folder = os.path.join(FIXTURES, "models", name)
    save_checkpoint(folder, cfg, model)
    golden = golden_header(name, cfg)
    golden["cases"] = bert_cases(model, cfg["vocab_size"], rng)
    write_json(os.path.join(folder, "golden.json"), golden, indent=None)


def make_tiny_bert_cls(rng):
    name = "tiny-bert-cls"
    id2label = {0: "negative", 1: "neutral", 2: "positive"}
    cfg = bert_hf_config(name, "BertForSequenceClassification", vocab_size=1000, hidden_size=32, num_layers=2,
                         num_heads=4, intermediate_size=64, max_positions=64, id2label=id2label)
    model = BertForSequenceClassification(BertConfig.from_hf(cfg)).double()
    randomize(model, seed=3)
    folder = os.path.join(FIXTURES, "models", name)
    save_checkpoint(folder, cfg, model)
    golden = golden_header(name, cfg)
    golden["id2label"] = cfg["id2label"]
    golden["cases"] = bert_cases(model, cfg["vocab_size"], rng)
    write_json(os.path.join(folder, "golden.json"), golden, indent=None)


# --------------------------------------------------------------------------------------------------------------
# The checkpoints saved by Hugging Face itself (../shared/data/hf-reference)
# --------------------------------------------------------------------------------------------------------------

# Token ids from the real tokenizers (tokenizer.json in ../shared/data/hf-reference, Hugging Face's Rust tokenizers).
BERT_TEXTS = {
    "seed": ("I love learning about transformers.", [101, 1045, 2293, 4083, 2055, 19081, 1012, 102]),
    "mask": ("The capital of France is [MASK].", [101, 1996, 3007, 1997, 2605, 2003, 103, 1012, 102]),
    "pair": (["The weather is nice.", "Let us go outside."],
             [101, 1996, 4633, 2003, 3835, 1012, 102, 2292, 2149, 2175, 2648, 1012, 102]),
}
GPT2_TEXTS = {
    "seed": ("I love learning about transformers.", [40, 1842, 4673, 546, 6121, 364, 13]),
    "fox": ("The quick brown fox jumps over the lazy dog.", [464, 2068, 7586, 21831, 18045, 625, 262, 16931, 3290, 13]),
}


def load_reference(name, model_class, config_class):
    folder = os.path.join(HF_REFERENCE, name)
    with open(os.path.join(folder, "config.json")) as f:
        cfg = json.load(f)
    model = model_class(config_class.from_hf(cfg)).double()
    path = os.path.join(folder, "model.safetensors")
    tensors, _ = read_safetensors(path)
    load_hf_state_dict(model, {k: v.double() for k, v in tensors.items()})  # raises on missing/unexpected keys
    # Our writer reproduces Hugging Face's file byte for byte.
    copy = "/tmp/hf-reference-roundtrip.safetensors"
    write_safetensors(copy, tensors)
    with open(path, "rb") as a, open(copy, "rb") as b:
        assert a.read() == b.read(), f"{name}: safetensors writer output differs from Hugging Face's file"
    os.remove(copy)
    return model, cfg


def make_hf_reference_goldens():
    if not os.path.isdir(HF_REFERENCE):
        print(f"skipped hf-reference goldens: {HF_REFERENCE} not found")
        return
    out_dir = os.path.join(FIXTURES, "hf-reference-golden")
    os.makedirs(out_dir, exist_ok=True)

    # bert-tiniest is a BertLMHeadModel: the BertForMaskedLM keys; as an encoder (is_decoder false) it is bidirectional.
    model, cfg = load_reference("bert-tiniest", BertForMaskedLM, BertConfig)
    golden = golden_header("bert-tiniest", cfg)
    golden["cases"] = []
    for case_name, (text, ids) in BERT_TEXTS.items():
        types = [0] * (ids.index(102) + 1) + [1] * (len(ids) - ids.index(102) - 1)
        case = bert_case(model, case_name, ids, token_type_ids=types, with_full_row=False)
        golden["cases"].append(dict(case, text=text))
    seed_ids = BERT_TEXTS["seed"][1]
    padded = bert_case(model, "seed_padded", seed_ids + [0] * 4, attention_mask=[1] * len(seed_ids) + [0] * 4,
                       with_full_row=False)
    golden["cases"].append(dict(padded, text=BERT_TEXTS["seed"][0]))
    write_json(os.path.join(out_dir, "bert-tiniest.json"), golden, indent=None)

    model, cfg = load_reference("fake-gpt2", GPT2LMHeadModel, GPT2Config)
    golden = golden_header("fake-gpt2", cfg)
    golden["cases"] = [dict(gpt2_case(model, n, ids, with_full_row=False), text=t) for n, (t, ids) in GPT2_TEXTS.items()]
    golden["greedy"] = greedy(model, GPT2_TEXTS["seed"][1], steps=8)
    write_json(os.path.join(out_dir, "fake-gpt2.json"), golden, indent=None)


def main():
    torch.manual_seed(0)
    make_tiny_gpt2("tiny-gpt2", "F32", np.random.default_rng(10))
    make_tiny_gpt2("tiny-gpt2-f16", "F16", np.random.default_rng(10))
    make_tiny_bert(np.random.default_rng(20))
    make_tiny_bert_cls(np.random.default_rng(20))
    make_hf_reference_goldens()
    total = 0
    for folder, _, files in sorted(os.walk(FIXTURES)):
        for f in sorted(files):
            size = os.path.getsize(os.path.join(folder, f))
            total += size
            print(f"{os.path.relpath(os.path.join(folder, f), ROOT)}: {size / 1024:.1f} KiB")
    print(f"total {total / 1024:.1f} KiB")


if __name__ == "__main__":
    main()
