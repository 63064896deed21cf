"""Llama and Qwen2 in plain torch, following Hugging Face transformers (4.45) modeling_llama.py and
modeling_qwen2.py module by module. 4.45 is the first version whose LlamaConfig has `head_dim` (a head size other
than hidden_size / num_attention_heads); without it every behaviour below is also 4.36's.

Parameter names are Hugging Face's (`model.embed_tokens`, `model.layers.N.{input_layernorm, self_attn.{q,k,v,o}_proj,
post_attention_layernorm, mlp.{gate,up,down}_proj}`, `model.norm`, `lm_head`), so `hf_models.hf_state_dict` gives
the keys save_pretrained writes (no `lm_head.weight` when tie_word_embeddings is true). The rotary inv_freq is a
non-persistent buffer: not saved. Dropout is omitted.

  - Pre-norm blocks: x = x + attn(rms1(x)); x = x + mlp(rms2(x)); the last hidden state is norm(x).
  - RMSNorm: weight * (x / sqrt(mean(x^2) + rms_norm_eps)), no bias, no mean subtraction. Hugging Face normalises
    in float32 (upcasting float16/bfloat16 inputs), casts back to the input dtype, then multiplies by the weight;
    here the upcast is to at least float32, so it changes nothing in float64.
  - Rotary embeddings on the whole head (head_dim channels), rotate-half convention:
    x * cos + rotate_half(x) * sin, cos/sin = [cos(p f), cos(p f)] over the two halves,
    f_i = rope_theta^(-2i / head_dim). rope_scaling {"rope_type" (or the older "type"): "linear", "factor": s}
    divides the frequencies (equivalently the positions) by s. Hugging Face computes cos/sin in float32 even for a
    float64 model; here they are float64 (the exact angles).
  - Grouped-query attention: num_key_value_heads kv heads, query head h reads kv head h // (H / H_kv)
    (repeat_kv); scores q k^T * head_dim^-0.5, causal mask of the dtype's most negative value added, softmax in
    float32 or wider.
  - MLP: down_proj(silu(gate_proj(x)) * up_proj(x)).
  - Biases: Llama has none unless attention_bias (q, k, v and o) / mlp_bias; Qwen2 has q, k and v biases and no
    o_proj bias, and its head size is always hidden_size / num_attention_heads (4.45 Qwen2 reads no head_dim).

Legend: B batch, T sequence length, C channels (hidden_size), H query heads, H_kv kv heads, D head size, V
vocabulary, F intermediate size.
"""
from dataclasses import dataclass

import torch
import torch.nn as nn

from hf_models import ACT2FN


@dataclass
class LlamaConfig:
    vocab_size: int = 32000
    hidden_size: int = 4096
    intermediate_size: int = 11008
    num_hidden_layers: int = 32
    num_attention_heads: int = 32
    num_key_value_heads: int = 32
    head_dim: int = 128
    hidden_act: str = "silu"
    max_position_embeddings: int = 2048
    rms_norm_eps: float = 1e-6
    rope_theta: float = 10000.0
    rope_scaling: dict = None
    tie_word_embeddings: bool = False
    qkv_bias: bool = False
    o_bias: bool = False
    mlp_bias: bool = False

    @classmethod
    def from_hf(cls, cfg):
        fields = ("vocab_size", "hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads",
                  "hidden_act", "max_position_embeddings", "rms_norm_eps", "rope_theta", "rope_scaling",
                  "tie_word_embeddings")
        kwargs = {k: cfg[k] for k in fields if k in cfg}
        kwargs["num_key_value_heads"] = cfg.get("num_key_value_heads") or cfg["num_attention_heads"]
        default_head_dim = cfg["hidden_size"] // cfg["num_attention_heads"]
        if cfg["model_type"] == "qwen2":
            kwargs.update(head_dim=default_head_dim, qkv_bias=True, o_bias=False, mlp_bias=False)
        elif cfg["model_type"] == "llama":
            attention_bias = cfg.get("attention_bias", False)
            kwargs.update(head_dim=cfg.get("head_dim") or default_head_dim, qkv_bias=attention_bias,
                          o_bias=attention_bias, mlp_bias=cfg.get("mlp_bias", False))
        else:
            raise ValueError(f"model_type {cfg['model_type']!r}: expected 'llama' or 'qwen2'")
        return cls(**kwargs)


class LlamaRMSNorm(nn.Module):
    def __init__(self, hidden_size, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(hidden_size))
        self.variance_epsilon = eps

    def forward(self, x):
        input_dtype = x.dtype
        h = x.to(torch.promote_types(input_dtype, torch.float32))
        variance = h.pow(2).mean(-1, keepdim=True)
        h = h * torch.rsqrt(variance + self.variance_epsilon)
        return self.weight * h.to(input_dtype)  # (B, T, C)


def rope_inv_freq(config):
    """_compute_default_rope_parameters, then _compute_linear_scaling_rope_parameters for rope_type "linear"."""
    D = config.head_dim
    inv_freq = 1.0 / (config.rope_theta ** (torch.arange(0, D, 2, dtype=torch.float64) / D))  # (D/2,)
    scaling = config.rope_scaling
    if scaling is None:
        return inv_freq
    rope_type = scaling.get("rope_type", scaling.get("type"))
    if rope_type == "default":
        return inv_freq
    if rope_type == "linear":
        return inv_freq / scaling["factor"]
    raise ValueError(f"rope_scaling rope_type {rope_type!r}: only 'default' and 'linear' are implemented here")


class LlamaRotaryEmbedding(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.register_buffer("inv_freq", rope_inv_freq(config), persistent=False)

    def forward(self, T):
        freqs = torch.outer(torch.arange(T, dtype=self.inv_freq.dtype), self.inv_freq)  # (T, D/2)
        emb = torch.cat((freqs, freqs), dim=-1)  # (T, D)
        return emb.cos(), emb.sin()


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def repeat_kv(x, n_rep):
    """(B, H_kv, T, D) -> (B, H_kv * n_rep, T, D): kv head j serves query heads j * n_rep ... j * n_rep + n_rep - 1."""
    B, H_kv, T, D = x.shape
    return x[:, :, None].expand(B, H_kv, n_rep, T, D).reshape(B, H_kv * n_rep, T, D)


class LlamaAttention(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.num_heads = config.num_attention_heads
        self.num_key_value_heads = config.num_key_value_heads
        self.head_dim = config.head_dim
        C, H, H_kv, D = config.hidden_size, self.num_heads, self.num_key_value_heads, self.head_dim
        self.q_proj = nn.Linear(C, H * D, bias=config.qkv_bias)
        self.k_proj = nn.Linear(C, H_kv * D, bias=config.qkv_bias)
        self.v_proj = nn.Linear(C, H_kv * D, bias=config.qkv_bias)
        self.o_proj = nn.Linear(H * D, C, bias=config.o_bias)

    def forward(self, x, cos, sin):
        B, T, _ = x.shape
        H, H_kv, D = self.num_heads, self.num_key_value_heads, self.head_dim
        q = self.q_proj(x).view(B, T, H, D).transpose(1, 2)  # (B, H, T, D)
        k = self.k_proj(x).view(B, T, H_kv, D).transpose(1, 2)  # (B, H_kv, T, D)
        v = self.v_proj(x).view(B, T, H_kv, D).transpose(1, 2)  # (B, H_kv, T, D)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        k, v = repeat_kv(k, H // H_kv), repeat_kv(v, H // H_kv)  # (B, H, T, D)
        scores = (q @ k.transpose(2, 3)) * D ** -0.5  # (B, H, T, T)
        causal = torch.ones(T, T, dtype=torch.bool).tril()
        mask = torch.zeros(T, T, dtype=scores.dtype).masked_fill(~causal, torch.finfo(scores.dtype).min)  # (T, T)
        scores = scores + mask
        probs = scores.softmax(dim=-1, dtype=torch.promote_types(scores.dtype, torch.float32)).to(q.dtype)
        heads = probs @ v  # (B, H, T, D)
        y = heads.transpose(1, 2).reshape(B, T, H * D)  # (B, T, H D)
        return self.o_proj(y), probs, heads


class LlamaMLP(nn.Module):
    def __init__(self, config):
        super().__init__()
        C, Fdim = config.hidden_size, config.intermediate_size
        self.gate_proj = nn.Linear(C, Fdim, bias=config.mlp_bias)
        self.up_proj = nn.Linear(C, Fdim, bias=config.mlp_bias)
        self.down_proj = nn.Linear(Fdim, C, bias=config.mlp_bias)
        self.act_fn = ACT2FN[config.hidden_act]

    def forward(self, x):
        return self.down_proj(self.act_fn(self.gate_proj(x)) * self.up_proj(x))  # (B, T, F) -> (B, T, C)


class LlamaDecoderLayer(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.self_attn = LlamaAttention(config)
        self.mlp = LlamaMLP(config)
        self.input_layernorm = LlamaRMSNorm(config.hidden_size, config.rms_norm_eps)
        self.post_attention_layernorm = LlamaRMSNorm(config.hidden_size, config.rms_norm_eps)

    def forward(self, x, cos, sin):
        a, probs, heads = self.self_attn(self.input_layernorm(x), cos, sin)
        x = x + a
        x = x + self.mlp(self.post_attention_layernorm(x))
        return x, probs, heads


class LlamaModel(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.embed_tokens = nn.Embedding(config.vocab_size, config.hidden_size)
        self.layers = nn.ModuleList([LlamaDecoderLayer(config) for _ in range(config.num_hidden_layers)])
        self.norm = LlamaRMSNorm(config.hidden_size, config.rms_norm_eps)
        self.rotary_emb = LlamaRotaryEmbedding(config)

    def forward(self, input_ids):
        """Returns a dict: last_hidden_state (B, T, C) after norm, hidden_states [L+1 x (B, T, C)] (embedding output,
        then each layer; the last entry after norm, as Hugging Face's), attentions [L x (B, H, T, T)] (per query
        head), attention_heads [L x (B, H, T, D)] (softmax(q k^T) v per query head, before o_proj)."""
        x = self.embed_tokens(input_ids)  # (B, T, C)
        cos, sin = self.rotary_emb(input_ids.shape[1])  # (T, D)
        cos, sin = cos.to(x.dtype), sin.to(x.dtype)
        hidden_states, attentions, heads = [x], [], []
        for layer in self.layers:
            x, probs, y = layer(x, cos, sin)
            hidden_states.append(x)
            attentions.append(probs)
            heads.append(y)
        x = self.norm(x)
        hidden_states[-1] = x
        return {"last_hidden_state": x, "hidden_states": hidden_states, "attentions": attentions, "attention_heads": heads}


class LlamaForCausalLM(nn.Module):
    """Also Qwen2ForCausalLM (same module names; the biases follow the config, see LlamaConfig.from_hf)."""

    def __init__(self, config):
        super().__init__()
        self.config = config
        self.model = LlamaModel(config)
        self.lm_head = nn.Linear(config.hidden_size, config.vocab_size, bias=False)
        if config.tie_word_embeddings:
            self.lm_head.weight = self.model.embed_tokens.weight

    def forward(self, input_ids):
        out = self.model(input_ids)
        out["logits"] = self.lm_head(out["last_hidden_state"])  # (B, T, V)
        return out
