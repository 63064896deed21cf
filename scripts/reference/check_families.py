"""A second, independent check of the DistilBERT, RoBERTa, GPT-NeoX, Llama and Qwen2 fixtures.

  /usr/bin/python3 scripts/reference/check_families.py

For every checkpoint of make_family_fixtures.FAMILIES it reads config.json and model.safetensors from disk, as a
consumer does, and recomputes every golden case with a functional implementation written apart from the module
references (per-head loops, explicit LayerNorm / RMSNorm / GELU formulas, rotary embeddings as complex rotations
of the channel pairs (i, i + R/2), the KV cache of a decoder filled one token at a time), then checks invariants
of Hugging Face's behaviour:
  - padded encoder inputs equal the unpadded ones at the real positions (right and left padding), padded keys get
    probability 0, RoBERTa's position ids are padding_idx + 1 ... for real tokens and padding_idx for pads;
  - DistilBERT's stored sinusoidal table is sin/cos of pos / 10000^(2 (j // 2) / dim), interleaved;
  - decoders: token-by-token decoding with a KV cache equals the full forward; greedy decoding reproduces
    golden.greedy; a GQA model equals the MHA model whose k/v heads are repeated; the legacy buffers of
    tiny-gpt-neox-sequential hold what pre-4.30 versions saved.
For the training fixtures of the new families it recomputes the step-1 loss and every stored gradient by autograd
through the same functional forward. Prints the largest difference per checkpoint and fails on any above TOLERANCE.
"""
import json
import math
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_family_fixtures import FAMILIES  # noqa: E402
from make_fixtures import FIXTURES  # noqa: E402
from safetensors_io import read_safetensors  # noqa: E402

TOLERANCE = 1e-6  # goldens carry 9 significant digits
NEG = torch.finfo(torch.float64).min


def layer_norm(x, w, b, eps):
    mean = x.mean(-1, keepdim=True)
    var = ((x - mean) ** 2).mean(-1, keepdim=True)
    return (x - mean) / torch.sqrt(var + eps) * w + b


def rms_norm(x, w, eps):
    return x / torch.sqrt((x * x).mean(-1, keepdim=True) + eps) * w


def gelu(x):
    return 0.5 * x * (1 + torch.erf(x / math.sqrt(2)))


def linear(W, x, prefix, bias=True):
    y = x @ W[prefix + ".weight"].T
    return y + W[prefix + ".bias"] if bias and prefix + ".bias" in W else y


def rotate(x, positions, inv_freq):
    """Rotary embedding of x (T, R) as complex numbers z_i = x_i + i x_{i + R/2} turned by positions * inv_freq."""
    half = x.shape[-1] // 2
    z = torch.complex(x[:, :half], x[:, half:])
    z = z * torch.polar(torch.ones(len(positions), half, dtype=torch.float64), torch.outer(positions, inv_freq))
    return torch.cat((z.real, z.imag), dim=-1)


def attend(q, k, v, key_mask, causal):
    """One head: q (T, D) already scaled, k/v (S, D); key_mask (S,) bools; returns (T, D) and probabilities (T, S)."""
    scores = q @ k.T
    allowed = key_mask[None, :].expand_as(scores).clone()
    if causal:
        S, T = k.shape[0], q.shape[0]
        allowed &= torch.ones(S, S, dtype=torch.bool).tril()[S - T:]
    probs = torch.where(allowed, scores, torch.tensor(NEG, dtype=torch.float64)).softmax(-1)
    return probs @ v, probs


# --------------------------------------------------------------------------------------------------------------
# Encoders: DistilBERT and RoBERTa (post-LN)
# --------------------------------------------------------------------------------------------------------------

def encoder_forward(cfg, W, ids, mask):
    """ids, mask: (T,) -> dict of last_hidden_state (T, C), attentions [L x (H, T, T)], hidden_states, logits."""
    distil = cfg["model_type"] == "distilbert"
    T = len(ids)
    keep = torch.tensor(mask, dtype=torch.bool)
    if distil:
        p, names = "distilbert.", dict(L="n_layers", H="n_heads", C="dim")
        pos = torch.arange(T)
        x = W[p + "embeddings.word_embeddings.weight"][ids] + W[p + "embeddings.position_embeddings.weight"][pos]
        eps = 1e-12
    else:
        p, names = "roberta.", dict(L="num_hidden_layers", H="num_attention_heads", C="hidden_size")
        pad = cfg["pad_token_id"]
        pos, count = [], 0
        for t in ids:
            count += t != pad
            pos.append(pad + count if t != pad else pad)
        pos = torch.tensor(pos)
        x = (W[p + "embeddings.word_embeddings.weight"][ids] + W[p + "embeddings.position_embeddings.weight"][pos]
             + W[p + "embeddings.token_type_embeddings.weight"][0])
        eps = cfg["layer_norm_eps"]
    L, H, C = (cfg[names[k]] for k in "LHC")
    D = C // H
    x = layer_norm(x, W[p + "embeddings.LayerNorm.weight"], W[p + "embeddings.LayerNorm.bias"], eps)
    hidden, attentions = [x], []
    for n in range(L):
        if distil:
            b = f"{p}transformer.layer.{n}."
            proj = {"q": b + "attention.q_lin", "k": b + "attention.k_lin", "v": b + "attention.v_lin",
                    "o": b + "attention.out_lin", "ln1": b + "sa_layer_norm", "fc": b + "ffn.lin1",
                    "out": b + "ffn.lin2", "ln2": b + "output_layer_norm"}
        else:
            b = f"{p}encoder.layer.{n}."
            proj = {"q": b + "attention.self.query", "k": b + "attention.self.key", "v": b + "attention.self.value",
                    "o": b + "attention.output.dense", "ln1": b + "attention.output.LayerNorm",
                    "fc": b + "intermediate.dense", "out": b + "output.dense", "ln2": b + "output.LayerNorm"}
        q, k, v = (linear(W, x, proj[c]) for c in "qkv")
        heads, probs = zip(*(attend(q[:, h * D:(h + 1) * D] / math.sqrt(D), k[:, h * D:(h + 1) * D],
                                    v[:, h * D:(h + 1) * D], keep, causal=False) for h in range(H)))
        a = layer_norm(linear(W, torch.cat(heads, -1), proj["o"]) + x, W[proj["ln1"] + ".weight"],
                       W[proj["ln1"] + ".bias"], eps)
        x = layer_norm(linear(W, gelu(linear(W, a, proj["fc"])), proj["out"]) + a, W[proj["ln2"] + ".weight"],
                       W[proj["ln2"] + ".bias"], eps)
        hidden.append(x)
        attentions.append(torch.stack(probs))
    out = {"last_hidden_state": x, "hidden_states": hidden, "attentions": attentions, "position_ids": pos}
    architecture = cfg["architectures"][0]
    if architecture == "DistilBertForMaskedLM":
        y = layer_norm(gelu(linear(W, x, "vocab_transform")), W["vocab_layer_norm.weight"], W["vocab_layer_norm.bias"],
                       1e-12)
        out["logits"] = y @ W[p + "embeddings.word_embeddings.weight"].T + W["vocab_projector.bias"]
    elif architecture == "DistilBertForSequenceClassification":
        out["classifier_hidden"] = torch.relu(linear(W, x[0], "pre_classifier"))
        out["logits"] = linear(W, out["classifier_hidden"], "classifier")
    elif architecture == "RobertaForMaskedLM":
        y = layer_norm(gelu(linear(W, x, "lm_head.dense")), W["lm_head.layer_norm.weight"], W["lm_head.layer_norm.bias"],
                       eps)
        out["logits"] = y @ W[p + "embeddings.word_embeddings.weight"].T + W["lm_head.bias"]
    else:
        out["classifier_hidden"] = torch.tanh(linear(W, x[0], "classifier.dense"))
        out["logits"] = linear(W, out["classifier_hidden"], "classifier.out_proj")
    return out


# --------------------------------------------------------------------------------------------------------------
# Decoders: GPT-NeoX, Llama, Qwen2, one token at a time with a KV cache
# --------------------------------------------------------------------------------------------------------------

class Decoder:
    def __init__(self, cfg, W):
        self.cfg, self.W = cfg, W
        self.neox = cfg["model_type"] == "gpt_neox"
        self.L, self.H, self.C = cfg["num_hidden_layers"], cfg["num_attention_heads"], cfg["hidden_size"]
        if self.neox:
            self.H_kv, self.D = self.H, self.C // self.H
            self.R = int(self.D * cfg["rotary_pct"])
            self.inv_freq = torch.tensor([cfg["rotary_emb_base"] ** (-2 * i / self.R) for i in range(self.R // 2)],
                                         dtype=torch.float64)
        else:
            self.H_kv = cfg["num_key_value_heads"]
            self.D = cfg.get("head_dim", self.C // self.H) if cfg["model_type"] == "llama" else self.C // self.H
            self.R = self.D
            scale = 1.0
            if cfg.get("rope_scaling"):
                scaling = cfg["rope_scaling"]
                assert scaling.get("rope_type", scaling.get("type")) == "linear"
                scale = scaling["factor"]
            self.inv_freq = torch.tensor([cfg["rope_theta"] ** (-2 * i / self.D) / scale for i in range(self.D // 2)],
                                         dtype=torch.float64)
        self.reset()

    def reset(self):
        self.keys = [[[] for _ in range(self.H_kv)] for _ in range(self.L)]  # rotated keys, one row per position
        self.values = [[[] for _ in range(self.H_kv)] for _ in range(self.L)]

    def norm(self, x, prefix):
        if self.neox:
            return layer_norm(x, self.W[prefix + ".weight"], self.W[prefix + ".bias"], self.cfg["layer_norm_eps"])
        return rms_norm(x, self.W[prefix + ".weight"], self.cfg["rms_norm_eps"])

    def step(self, ids):
        """Feed the next tokens (a prompt or one token): (T,) -> logits (T, V), attentions [L x (H, T, S)],
        hidden states, attention heads [L x (H, T, D)]."""
        W, H, H_kv, D, R = self.W, self.H, self.H_kv, self.D, self.R
        start = len(self.keys[0][0])
        positions = torch.arange(start, start + len(ids), dtype=torch.float64)
        x = W["gpt_neox.embed_in.weight" if self.neox else "model.embed_tokens.weight"][ids]
        hidden, attentions, head_outputs = [x], [], []
        for n in range(self.L):
            b = f"gpt_neox.layers.{n}." if self.neox else f"model.layers.{n}."
            h1 = self.norm(x, b + "input_layernorm")
            if self.neox:
                qkv = linear(W, h1, b + "attention.query_key_value").view(len(ids), H, 3, D)  # per head [q | k | v]
                q, k, v = qkv[:, :, 0], qkv[:, :, 1], qkv[:, :, 2]  # (T, H, D)
            else:
                q = linear(W, h1, b + "self_attn.q_proj").view(len(ids), H, D)
                k = linear(W, h1, b + "self_attn.k_proj").view(len(ids), H_kv, D)
                v = linear(W, h1, b + "self_attn.v_proj").view(len(ids), H_kv, D)
            for j in range(H_kv):
                kj = torch.cat((rotate(k[:, j, :R], positions, self.inv_freq), k[:, j, R:]), dim=-1)
                self.keys[n][j].extend(kj)
                self.values[n][j].extend(v[:, j])
            heads, probs = [], []
            for h in range(H):
                j = h // (H // H_kv)  # the kv head this query head reads
                qh = torch.cat((rotate(q[:, h, :R], positions, self.inv_freq), q[:, h, R:]), dim=-1) / math.sqrt(D)
                K, V = torch.stack(self.keys[n][j]), torch.stack(self.values[n][j])
                y, p = attend(qh, K, V, torch.ones(len(K), dtype=torch.bool), causal=True)
                heads.append(y)
                probs.append(p)
            y = torch.cat(heads, -1)
            a = linear(W, y, b + ("attention.dense" if self.neox else "self_attn.o_proj"))
            if self.neox:
                mlp_in = x if self.cfg["use_parallel_residual"] else x + a
                m = linear(W, gelu(linear(W, self.norm(mlp_in, b + "post_attention_layernorm"), b + "mlp.dense_h_to_4h")),
                           b + "mlp.dense_4h_to_h")
                x = x + a + m
            else:
                x = x + a
                h2 = self.norm(x, b + "post_attention_layernorm")
                gate = linear(W, h2, b + "mlp.gate_proj")
                x = x + linear(W, gate * torch.sigmoid(gate) * linear(W, h2, b + "mlp.up_proj"), b + "mlp.down_proj")
            hidden.append(x)
            attentions.append(torch.stack(probs))
            head_outputs.append(torch.stack(heads))
        x = self.norm(x, "gpt_neox.final_layer_norm" if self.neox else "model.norm")
        hidden[-1] = x
        if self.neox:
            head = W["embed_out.weight"]
        else:  # tied: no lm_head.weight in the file
            head = W["lm_head.weight"] if "lm_head.weight" in W else W["model.embed_tokens.weight"]
        return {"logits": x @ head.T, "attentions": attentions, "hidden_states": hidden, "last_hidden_state": x,
                "attention_heads": head_outputs}


# --------------------------------------------------------------------------------------------------------------
# Comparison with the goldens, and the invariants
# --------------------------------------------------------------------------------------------------------------

def diff(a, b):
    return (torch.as_tensor(a, dtype=torch.float64) - torch.as_tensor(b, dtype=torch.float64)).abs().max().item()


def compare_case(case, out):
    """Largest difference between a golden case and recomputed outputs (every stored field)."""
    T = len(case["input_ids"])
    errors = [diff(case["last_hidden_state"], out["last_hidden_state"])]
    if "classifier_hidden" in case:
        errors += [diff(case["logits"], out["logits"]), diff(case["classifier_hidden"], out["classifier_hidden"])]
    else:
        logits = out["logits"]
        errors += [diff(case["logits"], logits[:, :len(case["logits"][0])]),
                   diff(case["logits_probe"], logits[:, case["logits_probe_columns"]]),
                   diff(case["logits_logsumexp"], logits.logsumexp(-1)),
                   diff(case["logits_top5"], logits.topk(5).values)]
        assert case["logits_argmax"] == logits.argmax(-1).tolist()
        if "logits_full_row" in case:
            errors.append(diff(case["logits_full_row"], logits[case["logits_full_row_index"]]))
        if "loss" in case:
            ids = torch.tensor(case["input_ids"])
            errors.append(abs(case["loss"] - torch.nn.functional.cross_entropy(logits[:-1], ids[1:]).item()))
    if "hidden_states" in case:
        errors += [diff(case["hidden_states"], torch.stack(out["hidden_states"])),
                   diff(case["attentions"], torch.stack(out["attentions"]))]
    if "attention_heads" in case:
        errors.append(diff(case["attention_heads"], torch.stack(out["attention_heads"])))
    if "position_ids" in case:
        assert case["position_ids"] == out["position_ids"].tolist()
    assert T == len(out["last_hidden_state"])
    return max(errors)


def check_encoder(name, cfg, W, golden):
    worst = 0.0
    by_name = {}
    for case in golden["cases"]:
        out = encoder_forward(cfg, W, case["input_ids"], case["attention_mask"])
        worst = max(worst, compare_case(case, out))
        by_name[case["name"]] = (case, out)
        padded = [t for t, m in enumerate(case["attention_mask"]) if not m]
        if padded:
            assert max(p[:, :, padded].abs().max().item() for p in out["attentions"]) == 0.0, "padded key attended"
    single = by_name["single"][1]
    for padded_name in ("padded", "left_padded"):
        if padded_name not in by_name:
            continue
        case, out = by_name[padded_name]
        real = [t for t, m in enumerate(case["attention_mask"]) if m]
        worst = max(worst, diff(out["last_hidden_state"][real], single["last_hidden_state"]))
        if cfg["model_type"] == "roberta":
            pad = cfg["pad_token_id"]
            assert out["position_ids"][real].tolist() == list(range(pad + 1, pad + 1 + len(real)))
            assert all(out["position_ids"][t] == pad for t in range(len(case["input_ids"])) if t not in real)
    if cfg.get("sinusoidal_pos_embds"):
        table = W["distilbert.embeddings.position_embeddings.weight"]
        dim = cfg["dim"]
        expected = [[(math.sin if j % 2 == 0 else math.cos)(pos / 10000 ** (2 * (j // 2) / dim)) for j in range(dim)]
                    for pos in range(cfg["max_position_embeddings"])]
        assert diff(table, expected) <= 6e-8, "sinusoidal table"  # stored as float32: within an ulp of 1
    return worst


def check_decoder(name, cfg, W, golden):
    decoder = Decoder(cfg, W)
    worst = 0.0
    for case in golden["cases"]:
        ids = case["input_ids"]
        decoder.reset()
        full = decoder.step(ids)  # the whole sequence at once
        worst = max(worst, compare_case(case, full))
        if len(ids) > 1:  # prefill 3 tokens then one at a time from the KV cache
            decoder.reset()
            rows = [decoder.step(ids[:3])["logits"]] + [decoder.step([t])["logits"] for t in ids[3:]]
            worst = max(worst, diff(torch.cat(rows), full["logits"]))
    decoder.reset()
    generated, logits = [], decoder.step(golden["greedy"]["prompt_ids"])["logits"]
    while len(generated) < len(golden["greedy"]["generated_ids"]):
        generated.append(int(logits[-1].argmax()))
        logits = decoder.step([generated[-1]])["logits"]
    assert generated == golden["greedy"]["generated_ids"], f"{name}: greedy {generated}"
    H, H_kv = decoder.H, decoder.H_kv
    if H_kv < H:  # the MHA model with every kv head repeated for its query heads gives the same outputs
        mha = dict(W)
        for n in range(cfg["num_hidden_layers"]):
            for proj in ("k_proj", "v_proj"):
                for part in ("weight", "bias"):
                    key = f"model.layers.{n}.self_attn.{proj}.{part}"
                    if key in W:
                        t = W[key].view(H_kv, decoder.D, *W[key].shape[1:])
                        mha[key] = t.repeat_interleave(H // H_kv, dim=0).reshape(H * decoder.D, *W[key].shape[1:])
        ids = golden["cases"][0]["input_ids"]
        decoder.reset()
        worst = max(worst, diff(Decoder(dict(cfg, num_key_value_heads=H), mha).step(ids)["logits"],
                                decoder.step(ids)["logits"]))
    return worst


def check_legacy_buffers(cfg, tensors):
    """The buffers EleutherAI's pre-4.30 Pythia files hold: causal mask (uint8), masked_bias -1e9, inv_freq (float32)."""
    P, D = cfg["max_position_embeddings"], cfg["hidden_size"] // cfg["num_attention_heads"]
    R = int(D * cfg["rotary_pct"])
    for n in range(cfg["num_hidden_layers"]):
        prefix = f"gpt_neox.layers.{n}.attention"
        assert tensors[f"{prefix}.bias"].dtype == torch.uint8
        assert torch.equal(tensors[f"{prefix}.bias"], torch.ones(P, P, dtype=torch.uint8).tril().view(1, 1, P, P))
        assert tensors[f"{prefix}.masked_bias"].shape == () and tensors[f"{prefix}.masked_bias"].item() == -1e9
        expected = torch.tensor([cfg["rotary_emb_base"] ** (-2 * i / R) for i in range(R // 2)], dtype=torch.float32)
        assert torch.allclose(tensors[f"{prefix}.rotary_emb.inv_freq"], expected, rtol=3e-7, atol=0)  # float32 arithmetic


TRAINING = ["tiny-distilbert-cls", "tiny-roberta-cls", "tiny-gpt-neox", "tiny-llama"]


def check_training(name):
    """The step-1 loss and every stored gradient of test/fixtures/training/<name>.json, by autograd through the
    functional forward above (one sequence at a time) on the checkpoint's tensors."""
    with open(os.path.join(FIXTURES, "training", f"{name}.json")) as f:
        fixture = json.load(f)
    folder = os.path.join(FIXTURES, "models", name)
    with open(os.path.join(folder, "config.json")) as f:
        cfg = json.load(f)
    tensors, _ = read_safetensors(os.path.join(folder, "model.safetensors"))
    W = {k: v.double().requires_grad_() for k, v in tensors.items()}
    batch = fixture["batch"]
    if fixture["task"] == "sequence-classification":
        losses = [torch.nn.functional.cross_entropy(encoder_forward(cfg, W, ids, mask)["logits"][None], torch.tensor([y]))
                  for ids, mask, y in zip(batch["input_ids"], batch["attention_mask"], batch["labels"])]
        loss = sum(losses) / len(losses)
    else:
        decoder = Decoder(cfg, W)
        total, count = 0.0, 0
        for ids, targets in zip(batch["input_ids"], batch["targets"]):
            decoder.reset()
            logits = decoder.step(ids)["logits"]
            t = torch.tensor(targets)
            total = total + torch.nn.functional.cross_entropy(logits, t, ignore_index=-100, reduction="sum")
            count += int((t != -100).sum())
        loss = total / count
    loss.backward()
    worst = abs(loss.item() - fixture["losses"][0]) / fixture["losses"][0]
    assert set(fixture["gradients"]) == set(W), f"{name}: a gradient for every tensor of the checkpoint"
    norms = []
    for key, expected in fixture["gradients"].items():
        grad = W[key].grad.reshape(-1)
        values = grad[expected["indices"]] if "indices" in expected else grad
        scale = max(max(abs(v) for v in expected["values"]), 1e-3)
        worst = max(worst, diff(values, expected["values"]) / scale, abs(grad.norm().item() - expected["norm"]) / scale)
        norms.append(grad.norm().item() ** 2)
    worst = max(worst, abs(math.sqrt(sum(norms)) - fixture["grad_norm"]) / fixture["grad_norm"])
    return worst, len(fixture["gradients"])


def main():
    torch.manual_seed(0)
    failed = []
    for _, names in FAMILIES.values():
        for name in names:
            folder = os.path.join(FIXTURES, "models", name)
            with open(os.path.join(folder, "config.json")) as f:
                cfg = json.load(f)
            with open(os.path.join(folder, "golden.json")) as f:
                golden = json.load(f)
            tensors, _ = read_safetensors(os.path.join(folder, "model.safetensors"))
            if any(k.endswith(".masked_bias") for k in tensors):
                check_legacy_buffers(cfg, tensors)
            W = {k: v.double() for k, v in tensors.items()}
            decoder = cfg["model_type"] in ("gpt_neox", "llama", "qwen2")
            worst = (check_decoder if decoder else check_encoder)(name, cfg, W, golden)
            print(f"{name}: {len(golden['cases'])} cases, max abs difference {worst:.2e}")
            if worst > TOLERANCE:
                failed.append(name)
    for name in TRAINING:
        worst, count = check_training(name)
        print(f"training/{name}: loss and {count} gradients, max relative difference {worst:.2e}")
        if worst > TOLERANCE:
            failed.append(f"training/{name}")
    if failed:
        raise SystemExit(f"differences above {TOLERANCE}: {failed}")
    print("all checks passed")


if __name__ == "__main__":
    main()
