"""Build the goldens of models whose matmul weights are stored packed: f16, 8-bit or 4-bit blocks.

  /usr/bin/python3 scripts/reference/make_packed_fixtures.py

For the fixture checkpoints in FIXTURE_CASES and each format in FORMATS, writes test/fixtures/packed/<name>.<format>.json:
the torch reference (hf_models.py, hf_llama.py, hf_gpt_neox.py), run in float64 on the checkpoint's weights with the
matmul weights replaced by the values their packed form stands for. The quantizer below is written from the format's
description, in torch, on each Hugging Face weight as an (out, in) matrix, row by row, in blocks of 32 along `in`:

  f16: IEEE half, round to nearest even;
  q8:  scale = float32(max |w| of the block / 127), q = round(w / scale) (ties to even) clamped to [-127, 127];
  q4:  scale = float32(max |w| / 7), q = round(w / scale) in [-7, 7];
  value = float32(q * scale); a block of zeros has scale 0 and values 0.

A weight whose `in` is not a multiple of 32 (4 for f16) stays float32. GPT-2's Conv1D weights are stored (in, out):
they are quantized as their transpose. Which weights are packed: every layer's attention q|k|v and output
projection and the MLP's matrices, an untied LM head, and the token embedding table (V, C), blocked along C, which a
tied head shares (so the lookup and the head read the same values); position and token-type tables, BERT's pooler
and heads stay.
Quantizing per output row means that fusing q|k|v rows, or GPT-NeoX's per-head row order, changes nothing.

Each file holds, per case (inputs from the checkpoint's golden.json), the views of the logits the conformance suite
reads (the first 64 columns, the probe columns) and, for the encoder, last_hidden_state; `packed_weights` lists the
packed tensors with their (N, K), and `change_from_f32` the largest change of each stored output from the float32
golden (how much the format moves the model).
"""
import json
import os
import re
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hf_gpt_neox import LEGACY_BUFFERS, GPTNeoXConfig, GPTNeoXForCausalLM  # noqa: E402
from hf_llama import LlamaConfig, LlamaForCausalLM  # noqa: E402
from hf_models import BertConfig, BertForPreTraining, GPT2Config, GPT2LMHeadModel, load_hf_state_dict  # noqa: E402
from make_fixtures import FIXTURES, ROOT, probe_columns, rounded, write_json  # noqa: E402
from safetensors_io import read_safetensors  # noqa: E402

FORMATS = ("f16", "q8", "q4")
BLOCK = 32  # elements sharing one scale, along K
LEVELS = {"q8": 127, "q4": 7}  # the largest |q|
REQUIRED_MULTIPLE = {"f16": 4, "q8": BLOCK, "q4": BLOCK}  # of K, for the weight to be packed
LOGIT_COLUMNS = 64

# Fixture -> the golden cases reused: one token (the decode shape: matrix-vector kernels on a GPU) and a longer input
# (tiled kernels); for the encoder one sentence of 10 tokens. Each file stays under 25 KB.
FIXTURE_CASES = {
    "tiny-gpt2": ("single_token", "short"),
    "tiny-llama": ("single_token", "length_16"),
    "tiny-gpt-neox": ("single_token", "length_16"),
    "tiny-bert": ("single",),
}

# model_type -> (config class, model class, how matmul weights are named: a regular expression, their layout)
MODELS = {
    "gpt2": (GPT2Config, GPT2LMHeadModel, r"^transformer\.h\.\d+\.(attn\.c_attn|attn\.c_proj|mlp\.c_fc|mlp\.c_proj)\.weight$", "in_out"),
    "llama": (LlamaConfig, LlamaForCausalLM,
              r"^(model\.layers\.\d+\.(self_attn\.[qkvo]_proj|mlp\.(gate|up|down)_proj)|lm_head)\.weight$", "out_in"),
    "gpt_neox": (GPTNeoXConfig, GPTNeoXForCausalLM,
                 r"^(gpt_neox\.layers\.\d+\.(attention\.query_key_value|attention\.dense|mlp\.dense_h_to_4h|mlp\.dense_4h_to_h)|embed_out)\.weight$",
                 "out_in"),
    "bert": (BertConfig, BertForPreTraining,
             r"^bert\.encoder\.layer\.\d+\.(attention\.self\.(query|key|value)|attention\.output\.dense|intermediate\.dense|output\.dense)\.weight$",
             "out_in"),
}

# model_type -> the token embedding table's name: (V, C), i.e. (out, in) for a tied head, whatever MODELS' layout.
TOKEN_TABLES = {
    "gpt2": "transformer.wte.weight",
    "llama": "model.embed_tokens.weight",
    "gpt_neox": "gpt_neox.embed_in.weight",
    "bert": "bert.embeddings.word_embeddings.weight",
}


# --------------------------------------------------------------------------------------------------------------
# The quantizer: (N, K) float32 rows -> the float32 values the packed form stands for
# --------------------------------------------------------------------------------------------------------------

def dequantized(w, fmt):
    """w: (N, K) float32 -> (N, K) float32, the values of w stored in `fmt` (K a multiple of REQUIRED_MULTIPLE)."""
    N, K = w.shape
    assert w.dtype == torch.float32 and K % REQUIRED_MULTIPLE[fmt] == 0
    if fmt == "f16":
        return w.half().float()  # round to nearest even
    levels = LEVELS[fmt]
    blocks = w.double().reshape(N, K // BLOCK, BLOCK)  # float32 values, exact in float64
    scale = (blocks.abs().amax(dim=-1, keepdim=True) / levels).float().double()  # (N, K/32, 1), rounded to float32
    safe = torch.where(scale > 0, scale, torch.ones_like(scale))
    q = torch.round(blocks / safe).clamp(-levels, levels)  # ties to even
    q = torch.where(scale > 0, q, torch.zeros_like(q))
    return (q * scale).float().reshape(N, K)


def check_quantizer():
    """The properties the format promises, on a few hand-made blocks."""
    w = torch.zeros(3, 2 * BLOCK)
    w[1, :BLOCK] = torch.linspace(-1, 2, BLOCK)
    w[2] = torch.randn(2 * BLOCK, generator=torch.Generator().manual_seed(0))
    for fmt, levels in LEVELS.items():
        v = dequantized(w, fmt)
        assert torch.equal(v[0], torch.zeros(2 * BLOCK)) and torch.equal(v[1, BLOCK:], torch.zeros(BLOCK)), "zero blocks"
        for row, start in ((1, 0), (2, 0), (2, BLOCK)):
            block, values = w[row, start:start + BLOCK].double(), v[row, start:start + BLOCK].double()
            scale = float(torch.tensor(float(block.abs().max()) / levels, dtype=torch.float32))
            assert float((values - block).abs().max()) <= scale / 2 * (1 + 1e-6), f"{fmt}: error above half a step"
            i = int(block.abs().argmax())
            assert abs(abs(float(values[i] / scale)) - levels) < 1e-4, f"{fmt}: the largest weight is not ±{levels} steps"
    # Ties to even: a block whose largest |w| is `levels` has scale 1, so w = 2.5 is 2.5 steps: 2, and 3.5 is 4.
    for fmt, levels in LEVELS.items():
        tie = torch.zeros(1, BLOCK)
        tie[0, :4] = torch.tensor([float(levels), 2.5, 3.5, -2.5])
        assert dequantized(tie, fmt)[0, :4].tolist() == [levels, 2.0, 4.0, -2.0], f"{fmt} ties"
    x = torch.tensor([[1.0 + 2 ** -11, 1.0 + 3 * 2 ** -11, 0.0, 0.0]])  # halfway between halves: to the even one
    assert dequantized(x, "f16")[0, :2].tolist() == [1.0, 1.0 + 2 ** -9], "f16 ties"


# --------------------------------------------------------------------------------------------------------------
# Checkpoints and goldens
# --------------------------------------------------------------------------------------------------------------

def packed_names(model_type, tensors, fmt):
    """{name: (N, K)} of the checkpoint's matmul weights that `fmt` packs (K suiting it)."""
    _, _, pattern, layout = MODELS[model_type]
    out = {}
    for name, t in sorted(tensors.items()):
        table = name == TOKEN_TABLES[model_type]
        if not table and not re.match(pattern, name):
            continue
        N, K = (t.shape[1], t.shape[0]) if layout == "in_out" and not table else tuple(t.shape)
        if K % REQUIRED_MULTIPLE[fmt] == 0:
            out[name] = (N, K)
    return out


def load_model(model_type, cfg, tensors):
    config_class, model_class, _, _ = MODELS[model_type]
    model = model_class(config_class.from_hf(cfg)).double()
    load_hf_state_dict(model, {k: v.double() for k, v in tensors.items()}, ignore_unexpected=LEGACY_BUFFERS)
    return model.eval()


@torch.no_grad()
def run_case(model, model_type, case):
    ids = torch.tensor([case["input_ids"]])
    if model_type == "bert":
        types = torch.tensor([case["token_type_ids"]])
        mask = torch.tensor([case["attention_mask"]])
        return model(ids, types, mask)
    return model(ids)


def views(out, probes):
    """The stored views of one forward: logits (T, 64), logits_probe (T, P) and last_hidden_state (T, C)."""
    logits = out["logits"][0]
    return {
        "logits": logits[:, :LOGIT_COLUMNS],
        "logits_probe": logits[:, probes],
        "last_hidden_state": out["last_hidden_state"][0],
    }


def max_change(a, b):
    return float((a - torch.tensor(b, dtype=torch.float64)).abs().max())


def make(name, case_names):
    folder = os.path.join(FIXTURES, "models", name)
    with open(os.path.join(folder, "config.json")) as f:
        cfg = json.load(f)
    with open(os.path.join(folder, "golden.json")) as f:
        golden = json.load(f)
    model_type = cfg["model_type"]
    tensors, _ = read_safetensors(os.path.join(folder, "model.safetensors"))
    cases = [next(c for c in golden["cases"] if c["name"] == n) for n in case_names]
    encoder = model_type == "bert"
    fields = ("logits", "logits_probe", "last_hidden_state") if encoder else ("logits", "logits_probe")
    probes = probe_columns(cfg["vocab_size"])

    # The float32 weights reproduce the checkpoint's own golden (the reference and the loading are right).
    f32 = load_model(model_type, cfg, tensors)
    for c in cases:
        assert c["logits_probe_columns"] == probes and len(c["logits"][0]) == LOGIT_COLUMNS, f"{name}/{c['name']}"
        got = views(run_case(f32, model_type, c), probes)
        worst = max(max_change(got[k], c[k]) for k in fields)
        assert worst < 1e-6, f"{name}/{c['name']}: the float32 reference differs from golden.json by {worst}"

    summary = {}
    for fmt in FORMATS:
        packed = packed_names(model_type, tensors, fmt)
        stored = dict(tensors)
        for tensor_name in packed:
            w = tensors[tensor_name]
            if MODELS[model_type][3] == "in_out" and tensor_name != TOKEN_TABLES[model_type]:  # Conv1D (K, N): its (N, K) transpose
                stored[tensor_name] = dequantized(w.t().contiguous(), fmt).t().contiguous()
            else:
                stored[tensor_name] = dequantized(w, fmt)
        model = load_model(model_type, cfg, stored)
        out_cases, change = [], {k: 0.0 for k in fields}
        for c in cases:
            got = views(run_case(model, model_type, c), probes)
            for k in fields:
                change[k] = max(change[k], max_change(got[k], c[k]))
            entry = {"name": c["name"], "input_ids": c["input_ids"]}
            if encoder:
                entry.update(token_type_ids=c["token_type_ids"], attention_mask=c["attention_mask"])
            entry["logits"] = rounded(got["logits"])  # (T, 64)
            entry["logits_probe_columns"] = probes
            entry["logits_probe"] = rounded(got["logits_probe"])  # (T, P)
            if encoder:
                entry["last_hidden_state"] = rounded(got["last_hidden_state"])  # (T, C)
            out_cases.append(entry)
        result = {
            "model": name,
            "format": fmt,
            "reference": f"scripts/reference/make_packed_fixtures.py: float64 forward of {name}'s weights with the "
                         f"matmul weights below replaced by their {fmt} values",
            "packed_weights": [{"name": n, "N": N, "K": K} for n, (N, K) in packed.items()],
            "change_from_f32": {k: float(f"{v:.3g}") for k, v in change.items()},
            "cases": out_cases,
        }
        os.makedirs(os.path.join(FIXTURES, "packed"), exist_ok=True)
        path = os.path.join(FIXTURES, "packed", f"{name}.{fmt}.json")
        write_json(path, result, indent=None)
        summary[fmt] = (change, len(packed), os.path.getsize(path))
    return summary


def main():
    check_quantizer()
    total = 0
    for name, case_names in FIXTURE_CASES.items():
        for fmt, (change, count, size) in make(name, case_names).items():
            total += size
            changes = ", ".join(f"{k} {v:.2e}" for k, v in change.items())
            print(f"{name}.{fmt}: {count} packed weights, largest change from f32: {changes}; {size / 1024:.1f} KiB")
    print(f"{os.path.relpath(os.path.join(FIXTURES, 'packed'), ROOT)}: {total / 1024:.1f} KiB")


if __name__ == "__main__":
    main()
