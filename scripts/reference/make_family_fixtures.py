"""Build the golden fixtures of the DistilBERT, RoBERTa, GPT-NeoX, Llama and Qwen2 families.

  /usr/bin/python3 scripts/reference/make_family_fixtures.py

Writes, from fixed seeds, test/fixtures/models/<name>/{config.json, model.safetensors, golden.json} for the tiny
checkpoints in FAMILIES (Hugging Face layout: the config keys save_pretrained writes, Hugging Face tensor names,
tied tensors left out) and their reference outputs, in the format of make_fixtures.py (same helpers), plus the
per-head attention outputs of the decoders.

The references are hf_distilbert.py, hf_roberta.py, hf_gpt_neox.py and hf_llama.py, run in float64 on the stored
float32 weights: a golden value is the exact result for those weights.
"""
import os
import sys

import numpy as np
import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hf_distilbert import DistilBertConfig, DistilBertForMaskedLM, DistilBertForSequenceClassification  # noqa: E402
from hf_gpt_neox import LEGACY_BUFFERS, GPTNeoXConfig, GPTNeoXForCausalLM, legacy_inv_freq  # noqa: E402
from hf_llama import LlamaConfig, LlamaForCausalLM, LlamaRMSNorm  # noqa: E402
from hf_models import hf_state_dict, load_hf_state_dict  # noqa: E402
from hf_roberta import RobertaConfig, RobertaForMaskedLM, RobertaForSequenceClassification  # noqa: E402
from make_fixtures import (  # noqa: E402
    FIXTURES,
    MAX_T_WITH_LAYERS,
    ROOT,
    encoder_layers_summary,
    greedy,
    logits_summary,
    rounded,
    save_checkpoint,
    write_json,
)
from safetensors_io import read_safetensors, write_safetensors  # noqa: E402

ENCODER_VERSION = "4.36.2"  # DistilBERT, RoBERTa, GPT-NeoX: the version of make_fixtures.py's checkpoints
DECODER_VERSION = "4.45.2"  # Llama, Qwen2: the first version with LlamaConfig.head_dim


# --------------------------------------------------------------------------------------------------------------
# config.json as save_pretrained writes it: every model-specific attribute, and the PretrainedConfig ones that
# differ from PretrainedConfig's defaults (pad/bos/eos ids, tie_word_embeddings, id2label)
# --------------------------------------------------------------------------------------------------------------

def with_labels(cfg, id2label):
    if id2label is not None:
        cfg["id2label"] = {str(i): label for i, label in id2label.items()}
        cfg["label2id"] = {label: i for i, label in id2label.items()}
    return cfg


def distilbert_hf_config(name, architecture, vocab_size, dim, n_layers, n_heads, hidden_dim, max_positions,
                         sinusoidal=False, id2label=None):
    return with_labels({
        "_name_or_path": name,
        "activation": "gelu",
        "architectures": [architecture],
        "attention_dropout": 0.1,
        "dim": dim,
        "dropout": 0.1,
        "hidden_dim": hidden_dim,
        "initializer_range": 0.02,
        "max_position_embeddings": max_positions,
        "model_type": "distilbert",
        "n_heads": n_heads,
        "n_layers": n_layers,
        "pad_token_id": 0,
        "qa_dropout": 0.1,
        "seq_classif_dropout": 0.2,
        "sinusoidal_pos_embds": sinusoidal,
        "torch_dtype": "float32",
        "transformers_version": ENCODER_VERSION,
        "vocab_size": vocab_size,
    }, id2label)


def roberta_hf_config(name, architecture, vocab_size, hidden_size, num_layers, num_heads, intermediate_size,
                      max_positions, id2label=None):
    return with_labels({
        "_name_or_path": name,
        "architectures": [architecture],
        "attention_probs_dropout_prob": 0.1,
        "bos_token_id": 0,
        "classifier_dropout": None,
        "eos_token_id": 2,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "hidden_size": hidden_size,
        "initializer_range": 0.02,
        "intermediate_size": intermediate_size,
        "layer_norm_eps": 1e-05,
        "max_position_embeddings": max_positions,
        "model_type": "roberta",
        "num_attention_heads": num_heads,
        "num_hidden_layers": num_layers,
        "pad_token_id": 1,
        "position_embedding_type": "absolute",
        "torch_dtype": "float32",
        "transformers_version": ENCODER_VERSION,
        "type_vocab_size": 1,
        "use_cache": True,
        "vocab_size": vocab_size,
    }, id2label)


def gpt_neox_hf_config(name, vocab_size, hidden_size, num_layers, num_heads, intermediate_size, max_positions,
                       rotary_pct, rotary_emb_base, use_parallel_residual):
    return {
        "_name_or_path": name,
        "architectures": ["GPTNeoXForCausalLM"],
        "attention_bias": True,
        "attention_dropout": 0.0,
        "bos_token_id": 0,
        "classifier_dropout": 0.1,
        "eos_token_id": 0,
        "hidden_act": "gelu",
        "hidden_dropout": 0.0,
        "hidden_size": hidden_size,
        "initializer_range": 0.02,
        "intermediate_size": intermediate_size,
        "layer_norm_eps": 1e-05,
        "max_position_embeddings": max_positions,
        "model_type": "gpt_neox",
        "num_attention_heads": num_heads,
        "num_hidden_layers": num_layers,
        "rope_scaling": None,
        "rotary_emb_base": rotary_emb_base,
        "rotary_pct": rotary_pct,
        "tie_word_embeddings": False,
        "torch_dtype": "float32",
        "transformers_version": ENCODER_VERSION,
        "use_cache": True,
        "use_parallel_residual": use_parallel_residual,
        "vocab_size": vocab_size,
    }


def llama_hf_config(name, vocab_size, hidden_size, num_layers, num_heads, num_kv_heads, intermediate_size,
                    max_positions, rms_norm_eps, rope_theta, tie_word_embeddings, bos_token_id, eos_token_id,
                    head_dim=None, rope_scaling=None):
    return {
        "_name_or_path": name,
        "architectures": ["LlamaForCausalLM"],
        "attention_bias": False,
        "attention_dropout": 0.0,
        "bos_token_id": bos_token_id,
        "eos_token_id": eos_token_id,
        "head_dim": head_dim or hidden_size // num_heads,  # 4.45 writes the derived value when none is given
        "hidden_act": "silu",
        "hidden_size": hidden_size,
        "initializer_range": 0.02,
        "intermediate_size": intermediate_size,
        "max_position_embeddings": max_positions,
        "mlp_bias": False,
        "model_type": "llama",
        "num_attention_heads": num_heads,
        "num_hidden_layers": num_layers,
        "num_key_value_heads": num_kv_heads,
        "pretraining_tp": 1,
        "rms_norm_eps": rms_norm_eps,
        "rope_scaling": rope_scaling,
        "rope_theta": rope_theta,
        "tie_word_embeddings": tie_word_embeddings,
        "torch_dtype": "float32",
        "transformers_version": DECODER_VERSION,
        "use_cache": True,
        "vocab_size": vocab_size,
    }


def qwen2_hf_config(name, vocab_size, hidden_size, num_layers, num_heads, num_kv_heads, intermediate_size,
                    max_positions, rope_theta):
    return {
        "_name_or_path": name,
        "architectures": ["Qwen2ForCausalLM"],
        "attention_dropout": 0.0,
        "bos_token_id": vocab_size - 1,
        "eos_token_id": vocab_size - 1,
        "hidden_act": "silu",
        "hidden_size": hidden_size,
        "initializer_range": 0.02,
        "intermediate_size": intermediate_size,
        "max_position_embeddings": max_positions,
        "max_window_layers": num_layers,
        "model_type": "qwen2",
        "num_attention_heads": num_heads,
        "num_hidden_layers": num_layers,
        "num_key_value_heads": num_kv_heads,
        "rms_norm_eps": 1e-06,
        "rope_scaling": None,
        "rope_theta": rope_theta,
        "sliding_window": max_positions,  # as in Qwen2.5's configs: present, unused while use_sliding_window is false
        "tie_word_embeddings": True,
        "torch_dtype": "float32",
        "transformers_version": DECODER_VERSION,
        "use_cache": True,
        "use_sliding_window": False,
        "vocab_size": vocab_size,
    }


# --------------------------------------------------------------------------------------------------------------
# Random initialisation with a large spread (make_fixtures.randomize's scales, chosen by module type)
# --------------------------------------------------------------------------------------------------------------

def randomize_modules(model, seed, std=0.2, embedding_std=0.5):
    """Embedding tables N(0, embedding_std), other matrices N(0, std), LayerNorm/RMSNorm gains 1 + N(0, 0.1), biases
    N(0, 0.1). Tied tensors are drawn once; frozen ones (DistilBERT's sinusoidal table) are left as they are."""
    g = torch.Generator().manual_seed(seed)
    seen = set()
    with torch.no_grad():
        for module in model.modules():
            for name, p in module.named_parameters(recurse=False):
                if id(p) in seen or not p.requires_grad:
                    continue
                seen.add(id(p))
                noise = torch.randn(p.shape, generator=g)
                if isinstance(module, (nn.LayerNorm, LlamaRMSNorm)) and name == "weight":
                    p.copy_(1.0 + 0.1 * noise)
                elif name == "bias":
                    p.copy_(0.1 * noise)
                elif isinstance(module, nn.Embedding):
                    p.copy_(embedding_std * noise)
                else:
                    p.copy_(std * noise)


# --------------------------------------------------------------------------------------------------------------
# Golden outputs
# --------------------------------------------------------------------------------------------------------------

# model_type -> the reference scripts/reference/hf_<module>.py
FAMILY_MODULES = {"distilbert": "distilbert", "roberta": "roberta", "gpt_neox": "gpt_neox", "llama": "llama",
                  "qwen2": "llama"}


def golden_header(name, config, notes):
    return {
        "model": name,
        "architecture": config["architectures"][0],
        "model_type": config["model_type"],
        "reference": f"scripts/reference/hf_{FAMILY_MODULES[config['model_type']]}.py, float64 forward of the stored weights",
        "vocab_size": config["vocab_size"],
        "notes": notes,
    }


ENCODER_NOTES = ("logits: first 64 vocabulary columns (16 for cases longer than 24 tokens), or the classifier's "
                 "num_labels; hidden_states[0] is the embedding output after its LayerNorm, then one per layer; "
                 "attentions: (L, H, T, T) softmax probabilities; classifier_hidden: the classification head's "
                 "hidden vector of the first token after its activation")
DECODER_NOTES = ("logits: first 64 vocabulary columns (16 for cases longer than 24 tokens); hidden_states[0] is the "
                 "embedding output, then one per layer, the last one after the final norm; attentions: (L, H, T, T) "
                 "softmax probabilities per query head; attention_heads: (L, H, T, D) softmax(q k^T) v per query "
                 "head, before the output projection")


@torch.no_grad()
def encoder_case(model, name, ids, attention_mask=None, mask_token_id=None, with_full_row=True):
    x = torch.tensor([ids])
    am = torch.tensor([attention_mask]) if attention_mask is not None else torch.ones_like(x)
    out = model(x, am)
    case = {"name": name, "input_ids": ids, "attention_mask": am[0].tolist()}
    if "position_ids" in out:
        case["position_ids"] = out["position_ids"][0].tolist()  # (T,) RoBERTa's ids from the input ids
    if "classifier_hidden" in out:
        case["logits"] = rounded(out["logits"][0])  # (num_labels,)
        case["classifier_hidden"] = rounded(out["classifier_hidden"][0])  # (C,)
    else:
        real = [t for t, m in enumerate(am[0].tolist()) if m]
        full_row = ids.index(mask_token_id) if mask_token_id in ids else real[-1]
        case.update(logits_summary(out["logits"][0], full_row if with_full_row else None))
    case.update(encoder_layers_summary(out, len(ids)))
    return case


@torch.no_grad()
def decoder_case(model, name, ids, with_full_row):
    x = torch.tensor([ids])
    out = model(x)
    logits = out["logits"][0]  # (T, V)
    case = {"name": name, "input_ids": ids}
    case.update(logits_summary(logits, len(ids) - 1 if with_full_row else None))
    case.update(encoder_layers_summary(out, len(ids)))
    if len(ids) <= MAX_T_WITH_LAYERS:
        case["attention_heads"] = rounded(torch.stack(out["attention_heads"])[:, 0])  # (L, H, T, D)
    if len(ids) > 1:  # mean next-token loss, as Hugging Face's labels=input_ids
        case["loss"] = float(f"{torch.nn.functional.cross_entropy(logits[:-1], x[0, 1:]).item():.9g}")
    return case


def decoder_goldens(model, name, cfg, rng, lengths, full_context):
    """Cases of the given lengths and a single token (with a full logits row), optionally T = P, and greedy."""
    V, P = cfg["vocab_size"], cfg["max_position_embeddings"]
    golden = golden_header(name, cfg, DECODER_NOTES)
    golden["cases"] = [decoder_case(model, f"length_{T}", rng.integers(0, V, T).tolist(), with_full_row=True)
                       for T in lengths]
    golden["cases"].append(decoder_case(model, "single_token", [V - 1], with_full_row=True))
    if full_context:
        golden["cases"].append(decoder_case(model, "full_context", rng.integers(0, V, P).tolist(), with_full_row=False))
    golden["greedy"] = greedy(model, rng.integers(0, V, 5).tolist(), steps=12)
    return golden


# --------------------------------------------------------------------------------------------------------------
# Checkpoints
# --------------------------------------------------------------------------------------------------------------

def build(cfg, config_class, model_class, seed):
    model = model_class(config_class.from_hf(cfg)).double()
    randomize_modules(model, seed)  # then finish() stores it as float32 and loads the stored values back
    return model


def finish(name, cfg, model, make_golden, extra_tensors=None):
    """Save the checkpoint, load back what was stored, then run the reference on it (make_golden(model))."""
    folder = os.path.join(FIXTURES, "models", name)
    if extra_tensors is None:
        save_checkpoint(folder, cfg, model)
    else:
        save_with_legacy_buffers(folder, cfg, model, extra_tensors)
    write_json(os.path.join(folder, "golden.json"), make_golden(model), indent=None)


def save_with_legacy_buffers(folder, cfg, model, extra_tensors):
    """save_checkpoint for a file that also holds buffers a pre-4.30 save_pretrained wrote (see hf_gpt_neox.py)."""
    os.makedirs(folder, exist_ok=True)
    write_json(os.path.join(folder, "config.json"), cfg)
    path = os.path.join(folder, "model.safetensors")
    tensors = dict(hf_state_dict(model), **extra_tensors)
    write_safetensors(path, tensors)
    stored, _ = read_safetensors(path)
    assert set(stored) == set(tensors), "safetensors round trip changed the keys"
    for k, v in tensors.items():
        assert stored[k].dtype == (torch.uint8 if v.dtype == torch.uint8 else torch.float32), k
        assert torch.equal(stored[k].double(), v.double() if v.dtype == torch.uint8 else v.float().double()), k
    load_hf_state_dict(model, {k: v.double() for k, v in stored.items()}, ignore_unexpected=LEGACY_BUFFERS)


def encoder_goldens(model, name, cfg, cases):
    golden = golden_header(name, cfg, ENCODER_NOTES)
    if "id2label" in cfg:
        golden["id2label"] = cfg["id2label"]
    golden["cases"] = cases
    return golden


# BERT's special ids (bert-base-uncased, used by distilbert-base-uncased): [PAD] 0, [CLS] 101, [SEP] 102, [MASK] 103.
BERT_PAD, BERT_CLS, BERT_SEP, BERT_MASK = 0, 101, 102, 103


def distilbert_cases(model, rng, names):
    """A sentence with a [MASK], a sentence pair (no token types in DistilBERT), the sentence followed by 5 [PAD] with
    attention mask 0, a single [CLS]."""
    V = model.config.vocab_size
    words = rng.integers(104, V, 17).tolist()
    single = [BERT_CLS] + words[:4] + [BERT_MASK] + words[4:7] + [BERT_SEP]
    inputs = {
        "single": (single, None),
        "pair": ([BERT_CLS] + words[7:11] + [BERT_SEP] + words[11:17] + [BERT_SEP], None),
        "padded": (single + [BERT_PAD] * 5, [1] * len(single) + [0] * 5),
        "single_token": ([BERT_CLS], None),
    }
    return [encoder_case(model, n, *inputs[n], mask_token_id=BERT_MASK) for n in names]


def make_distilbert(rng):
    name = "tiny-distilbert"
    cfg = distilbert_hf_config(name, "DistilBertForMaskedLM", vocab_size=1000, dim=32, n_layers=2, n_heads=4,
                               hidden_dim=128, max_positions=64)
    model = build(cfg, DistilBertConfig, DistilBertForMaskedLM, seed=31)
    finish(name, cfg, model, lambda m: encoder_goldens(m, name, cfg, distilbert_cases(
        m, rng, ["single", "padded", "single_token"])))

    name_cls = "tiny-distilbert-cls"
    id2label = {0: "NEGATIVE", 1: "POSITIVE"}  # as distilbert-base-uncased-finetuned-sst-2-english
    cfg_cls = distilbert_hf_config(name_cls, "DistilBertForSequenceClassification", vocab_size=1000, dim=32,
                                   n_layers=2, n_heads=4, hidden_dim=128, max_positions=64, id2label=id2label)
    model = build(cfg_cls, DistilBertConfig, DistilBertForSequenceClassification, seed=32)
    finish(name_cls, cfg_cls, model, lambda m: encoder_goldens(m, name_cls, cfg_cls, distilbert_cases(
        m, rng, ["single", "padded"])))

    name_sin = "tiny-distilbert-sinusoidal"
    cfg_sin = distilbert_hf_config(name_sin, "DistilBertForMaskedLM", vocab_size=256, dim=32, n_layers=2, n_heads=4,
                                   hidden_dim=64, max_positions=64, sinusoidal=True)
    model = build(cfg_sin, DistilBertConfig, DistilBertForMaskedLM, seed=33)
    finish(name_sin, cfg_sin, model, lambda m: encoder_goldens(m, name_sin, cfg_sin, distilbert_cases(
        m, rng, ["single"])))


# roberta-base's special ids: <s> 0, <pad> 1, </s> 2, <unk> 3; <mask> is the last id (50264 there, V - 1 here).
ROBERTA_BOS, ROBERTA_PAD, ROBERTA_EOS = 0, 1, 2


def roberta_cases(model, rng, names):
    """A sentence with a <mask>, a pair (<s> a </s></s> b </s>), the sentence with 5 <pad> (attention mask 0) after
    it and before it, a single <s>, and full_context: T = max_position_embeddings - 2 (positions 2 ... P - 1)."""
    V, P = model.config.vocab_size, model.config.max_position_embeddings
    MASK = V - 1
    words = rng.integers(4, V - 1, 17).tolist()
    single = [ROBERTA_BOS] + words[:4] + [MASK] + words[4:7] + [ROBERTA_EOS]
    n, T = len(single), P - ROBERTA_PAD - 1
    full = [ROBERTA_BOS] + rng.integers(4, V - 1, T - 2).tolist() + [ROBERTA_EOS]
    full[T // 2] = MASK
    inputs = {
        "single": (single, None),
        "pair": ([ROBERTA_BOS] + words[7:11] + [ROBERTA_EOS, ROBERTA_EOS] + words[11:17] + [ROBERTA_EOS], None),
        "padded": (single + [ROBERTA_PAD] * 5, [1] * n + [0] * 5),
        "left_padded": ([ROBERTA_PAD] * 5 + single, [0] * 5 + [1] * n),
        "single_token": ([ROBERTA_BOS], None),
        "full_context": (full, None),
    }
    return [encoder_case(model, c, *inputs[c], mask_token_id=MASK, with_full_row=c != "full_context") for c in names]


def make_roberta(rng):
    name = "tiny-roberta"
    cfg = roberta_hf_config(name, "RobertaForMaskedLM", vocab_size=1000, hidden_size=32, num_layers=2, num_heads=4,
                            intermediate_size=128, max_positions=66)
    model = build(cfg, RobertaConfig, RobertaForMaskedLM, seed=41)
    finish(name, cfg, model, lambda m: encoder_goldens(m, name, cfg, roberta_cases(
        m, rng, ["single", "padded", "left_padded", "single_token", "full_context"])))

    name_cls = "tiny-roberta-cls"
    id2label = {0: "negative", 1: "neutral", 2: "positive"}  # as cardiffnlp/twitter-roberta-base-sentiment-latest
    cfg_cls = roberta_hf_config(name_cls, "RobertaForSequenceClassification", vocab_size=1000, hidden_size=32,
                                num_layers=2, num_heads=4, intermediate_size=128, max_positions=66, id2label=id2label)
    model = build(cfg_cls, RobertaConfig, RobertaForSequenceClassification, seed=42)
    finish(name_cls, cfg_cls, model, lambda m: encoder_goldens(m, name_cls, cfg_cls, roberta_cases(
        m, rng, ["single", "padded"])))


def make_gpt_neox(rng):
    name = "tiny-gpt-neox"
    cfg = gpt_neox_hf_config(name, vocab_size=512, hidden_size=32, num_layers=2, num_heads=4, intermediate_size=128,
                             max_positions=64, rotary_pct=0.5, rotary_emb_base=10000, use_parallel_residual=True)
    model = build(cfg, GPTNeoXConfig, GPTNeoXForCausalLM, seed=51)
    finish(name, cfg, model, lambda m: decoder_goldens(m, name, cfg, rng, lengths=(5, 16), full_context=True))

    # Sequential residual, head size 16 with rotary_pct 0.3: int(16 * 0.3) = 4 rotary channels, base 1000; the file
    # also holds the buffers a pre-4.30 save wrote, as EleutherAI's Pythia checkpoints do.
    name_seq = "tiny-gpt-neox-sequential"
    cfg_seq = gpt_neox_hf_config(name_seq, vocab_size=256, hidden_size=32, num_layers=2, num_heads=2,
                                 intermediate_size=128, max_positions=64, rotary_pct=0.3, rotary_emb_base=1000,
                                 use_parallel_residual=False)
    model = build(cfg_seq, GPTNeoXConfig, GPTNeoXForCausalLM, seed=52)
    config, P = model.config, cfg_seq["max_position_embeddings"]
    legacy = {}
    for n in range(config.num_hidden_layers):
        prefix = f"gpt_neox.layers.{n}.attention"
        legacy[f"{prefix}.bias"] = torch.ones(P, P, dtype=torch.uint8).tril().view(1, 1, P, P)  # causal mask
        legacy[f"{prefix}.masked_bias"] = torch.tensor(-1e9)
        legacy[f"{prefix}.rotary_emb.inv_freq"] = legacy_inv_freq(config)
    finish(name_seq, cfg_seq, model, lambda m: decoder_goldens(m, name_seq, cfg_seq, rng, lengths=(12,),
                                                               full_context=False), legacy)


def make_llama(rng):
    name = "tiny-llama"
    cfg = llama_hf_config(name, vocab_size=512, hidden_size=32, num_layers=2, num_heads=4, num_kv_heads=2,
                          intermediate_size=96, max_positions=64, rms_norm_eps=1e-06, rope_theta=10000.0,
                          tie_word_embeddings=False, bos_token_id=1, eos_token_id=2)
    model = build(cfg, LlamaConfig, LlamaForCausalLM, seed=61)
    finish(name, cfg, model, lambda m: decoder_goldens(m, name, cfg, rng, lengths=(5, 16), full_context=True))

    # SmolLM2-style: tied embeddings, rope_theta 1e5, rms_norm_eps 1e-5, bos = eos = 0.
    name_tied = "tiny-llama-tied"
    cfg_tied = llama_hf_config(name_tied, vocab_size=256, hidden_size=32, num_layers=2, num_heads=4, num_kv_heads=2,
                               intermediate_size=96, max_positions=64, rms_norm_eps=1e-05, rope_theta=100000.0,
                               tie_word_embeddings=True, bos_token_id=0, eos_token_id=0)
    model = build(cfg_tied, LlamaConfig, LlamaForCausalLM, seed=62)
    finish(name_tied, cfg_tied, model, lambda m: decoder_goldens(m, name_tied, cfg_tied, rng, lengths=(12,),
                                                                 full_context=False))

    # head_dim 16 with hidden 32 and 4 heads (q_proj 32 -> 64, o_proj 64 -> 32), linear RoPE scaling by 2. The
    # rope_scaling dict is what 4.45 writes for {"type": "linear", "factor": 2.0}: it copies "type" to "rope_type".
    name_rope = "tiny-llama-rope-linear"
    cfg_rope = llama_hf_config(name_rope, vocab_size=256, hidden_size=32, num_layers=2, num_heads=4, num_kv_heads=2,
                               intermediate_size=96, max_positions=64, rms_norm_eps=1e-06, rope_theta=10000.0,
                               tie_word_embeddings=False, bos_token_id=1, eos_token_id=2, head_dim=16,
                               rope_scaling={"factor": 2.0, "rope_type": "linear", "type": "linear"})
    model = build(cfg_rope, LlamaConfig, LlamaForCausalLM, seed=63)
    finish(name_rope, cfg_rope, model, lambda m: decoder_goldens(m, name_rope, cfg_rope, rng, lengths=(16,),
                                                                 full_context=False))


def make_qwen2(rng):
    # Qwen2: q/k/v biases, no o_proj bias; one kv head for four query heads; tied as Qwen2.5-0.5B; rope_theta 1e6.
    name = "tiny-qwen2"
    cfg = qwen2_hf_config(name, vocab_size=256, hidden_size=32, num_layers=2, num_heads=4, num_kv_heads=1,
                          intermediate_size=96, max_positions=64, rope_theta=1000000.0)
    model = build(cfg, LlamaConfig, LlamaForCausalLM, seed=71)
    finish(name, cfg, model, lambda m: decoder_goldens(m, name, cfg, rng, lengths=(12,), full_context=False))


FAMILIES = {
    "distilbert": (make_distilbert, ["tiny-distilbert", "tiny-distilbert-cls", "tiny-distilbert-sinusoidal"]),
    "roberta": (make_roberta, ["tiny-roberta", "tiny-roberta-cls"]),
    "gpt_neox": (make_gpt_neox, ["tiny-gpt-neox", "tiny-gpt-neox-sequential"]),
    "llama": (make_llama, ["tiny-llama", "tiny-llama-tied", "tiny-llama-rope-linear"]),
    "qwen2": (make_qwen2, ["tiny-qwen2"]),
}


def main():
    torch.manual_seed(0)
    for seed, (family, (make, names)) in enumerate(FAMILIES.items()):
        make(np.random.default_rng(100 + seed))
        total = 0
        for name in names:
            folder = os.path.join(FIXTURES, "models", name)
            sizes = {f: os.path.getsize(os.path.join(folder, f)) for f in sorted(os.listdir(folder))}
            total += sum(sizes.values())
            print(f"{os.path.relpath(folder, ROOT)}: " + ", ".join(f"{f} {s / 1024:.1f} KiB" for f, s in sizes.items()))
        print(f"{family}: {total / 1024:.1f} KiB")


if __name__ == "__main__":
    main()
