"""GPT-NeoX (Pythia) in plain torch, following Hugging Face transformers (4.36) modeling_gpt_neox.py module by module.

Parameter names are Hugging Face's (`gpt_neox.embed_in`, `gpt_neox.layers.N.*`, `gpt_neox.final_layer_norm`,
`embed_out`), so `hf_models.hf_state_dict` gives the keys save_pretrained writes. The causal mask, the rotary
inv_freq and the cos/sin tables are buffers with persistent=False in 4.36: not in the state dict, not saved. Older
saves (Pythia was written with 4.24) also hold `attention.bias` (the causal mask), `attention.masked_bias` and
`attention.rotary_emb.inv_freq`; from_pretrained ignores them and so does load_hf_state_dict with
LEGACY_BUFFERS. Dropout is omitted.

  - query_key_value is one Linear whose output is laid out per head: (H, 3, D) = [q_h | k_h | v_h] for h = 0..H-1,
    not q | k | v.
  - Rotary embeddings on the first rotary_ndims = int(D * rotary_pct) channels of each query and key head
    (int() truncates), the rest passes through: rotate-half convention, x * cos + rotate_half(x) * sin with
    cos/sin = [cos(p f), cos(p f)] over the two halves, f_i = rotary_emb_base^(-2i / rotary_ndims). rope_scaling
    "linear" divides the positions by its factor.
  - Scores q k^T * D^-0.5 (norm_factor = head_size ** -0.5), masked causally with the dtype's most negative value.
  - use_parallel_residual: x + attn(ln1(x)) + mlp(ln2(x)); otherwise x = x + attn(ln1(x)); x = x + mlp(ln2(x)).
  - hidden_act "gelu" is the exact erf GELU; embed_out is untied unless tie_word_embeddings.

Precision: Hugging Face builds cos/sin in float32 and, for float16 weights, upcasts the rotated q/k and the
scores to float32 (the cos/sin tables are float32, so q*cos promotes). Here everything is float64, the exact
result for the stored weights.

Legend: B batch, T sequence length, C channels, H heads, D head size (C / H), R rotary channels, V vocabulary,
F FFN size.
"""
from dataclasses import dataclass

import torch
import torch.nn as nn

from hf_models import ACT2FN

# Keys of real pre-4.30 checkpoints that from_pretrained does not load (they are not in the 4.36 state dict).
LEGACY_BUFFERS = r"\.attention\.(bias|masked_bias|rotary_emb\.inv_freq)$"


@dataclass
class GPTNeoXConfig:
    vocab_size: int = 50432
    hidden_size: int = 6144
    num_hidden_layers: int = 44
    num_attention_heads: int = 64
    intermediate_size: int = 24576
    hidden_act: str = "gelu"
    rotary_pct: float = 0.25
    rotary_emb_base: float = 10000
    max_position_embeddings: int = 2048
    layer_norm_eps: float = 1e-5
    use_parallel_residual: bool = True
    rope_scaling: dict = None
    attention_bias: bool = True
    tie_word_embeddings: bool = False

    @classmethod
    def from_hf(cls, cfg):
        return cls(**{k: cfg[k] for k in cls.__dataclass_fields__ if k in cfg})

    @property
    def head_size(self):
        return self.hidden_size // self.num_attention_heads

    @property
    def rotary_ndims(self):
        return int(self.head_size * self.rotary_pct)


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def rotary_cos_sin(inv_freq, positions):
    """inv_freq (R/2,), positions (T,) float -> cos, sin (T, R): the angles repeated over both halves."""
    freqs = torch.outer(positions, inv_freq)  # (T, R/2)
    emb = torch.cat((freqs, freqs), dim=-1)  # (T, R)
    return emb.cos(), emb.sin()


def legacy_inv_freq(config):
    """`attention.rotary_emb.inv_freq` as pre-4.30 versions saved it (float32)."""
    R = config.rotary_ndims
    return 1.0 / (config.rotary_emb_base ** (torch.arange(0, R, 2).float() / R))


class GPTNeoXRotaryEmbedding(nn.Module):
    def __init__(self, config):
        super().__init__()
        R = config.rotary_ndims
        inv_freq = 1.0 / (config.rotary_emb_base ** (torch.arange(0, R, 2, dtype=torch.float64) / R))  # (R/2,)
        self.register_buffer("inv_freq", inv_freq, persistent=False)
        scaling = config.rope_scaling
        if scaling is not None and scaling["type"] != "linear":
            raise ValueError(f"rope_scaling type {scaling['type']!r}: only 'linear' is implemented here")
        self.position_scale = 1.0 / scaling["factor"] if scaling is not None else 1.0

    def forward(self, T):
        pos = torch.arange(T, dtype=self.inv_freq.dtype) * self.position_scale  # linear scaling: t / factor
        return rotary_cos_sin(self.inv_freq, pos)  # each (T, R)


class GPTNeoXAttention(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.num_attention_heads = config.num_attention_heads
        self.head_size = config.head_size
        self.rotary_ndims = config.rotary_ndims
        self.norm_factor = self.head_size ** -0.5
        self.rotary_emb = GPTNeoXRotaryEmbedding(config)
        self.query_key_value = nn.Linear(config.hidden_size, 3 * config.hidden_size, bias=config.attention_bias)
        self.dense = nn.Linear(config.hidden_size, config.hidden_size, bias=config.attention_bias)

    def forward(self, x):
        B, T, C = x.shape
        H, D, R = self.num_attention_heads, self.head_size, self.rotary_ndims
        qkv = self.query_key_value(x).view(B, T, H, 3 * D)  # per head: [q | k | v]
        q = qkv[..., :D].permute(0, 2, 1, 3)  # (B, H, T, D)
        k = qkv[..., D : 2 * D].permute(0, 2, 1, 3)  # (B, H, T, D)
        v = qkv[..., 2 * D :].permute(0, 2, 1, 3)  # (B, H, T, D)
        cos, sin = (t.to(q.dtype) for t in self.rotary_emb(T))  # (T, R)
        q = torch.cat((q[..., :R] * cos + rotate_half(q[..., :R]) * sin, q[..., R:]), dim=-1)
        k = torch.cat((k[..., :R] * cos + rotate_half(k[..., :R]) * sin, k[..., R:]), dim=-1)
        scores = (q @ k.transpose(-1, -2)) * self.norm_factor  # (B, H, T, T)
        causal = torch.ones(T, T, dtype=torch.bool).tril()
        scores = torch.where(causal, scores, torch.tensor(torch.finfo(scores.dtype).min, dtype=scores.dtype))
        probs = scores.softmax(dim=-1)  # (B, H, T, T)
        heads = probs @ v  # (B, H, T, D)
        y = heads.permute(0, 2, 1, 3).reshape(B, T, C)  # (B, T, C)
        return self.dense(y), probs, heads


class GPTNeoXMLP(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.dense_h_to_4h = nn.Linear(config.hidden_size, config.intermediate_size)
        self.dense_4h_to_h = nn.Linear(config.intermediate_size, config.hidden_size)
        self.act = ACT2FN[config.hidden_act]

    def forward(self, x):
        return self.dense_4h_to_h(self.act(self.dense_h_to_4h(x)))  # (B, T, F) -> (B, T, C)


class GPTNeoXLayer(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.use_parallel_residual = config.use_parallel_residual
        self.input_layernorm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        self.post_attention_layernorm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        self.attention = GPTNeoXAttention(config)
        self.mlp = GPTNeoXMLP(config)

    def forward(self, x):
        a, probs, heads = self.attention(self.input_layernorm(x))
        if self.use_parallel_residual:
            x = self.mlp(self.post_attention_layernorm(x)) + a + x  # both branches read the layer input
        else:
            a = a + x
            x = self.mlp(self.post_attention_layernorm(a)) + a
        return x, probs, heads


class GPTNeoXModel(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.embed_in = nn.Embedding(config.vocab_size, config.hidden_size)
        self.layers = nn.ModuleList([GPTNeoXLayer(config) for _ in range(config.num_hidden_layers)])
        self.final_layer_norm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)

    def forward(self, input_ids):
        """Returns a dict: last_hidden_state (B, T, C) after final_layer_norm, hidden_states [L+1 x (B, T, C)]
        (embedding output, then each layer; the last entry after final_layer_norm, as Hugging Face's),
        attentions [L x (B, H, T, T)], attention_heads [L x (B, H, T, D)] (softmax(q k^T) v per head, before dense)."""
        x = self.embed_in(input_ids)  # (B, T, C); no position embeddings: positions are in the rotary angles
        hidden_states, attentions, heads = [x], [], []
        for layer in self.layers:
            x, probs, y = layer(x)
            hidden_states.append(x)
            attentions.append(probs)
            heads.append(y)
        x = self.final_layer_norm(x)
        hidden_states[-1] = x
        return {"last_hidden_state": x, "hidden_states": hidden_states, "attentions": attentions, "attention_heads": heads}


class GPTNeoXForCausalLM(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.config = config
        self.gpt_neox = GPTNeoXModel(config)
        self.embed_out = nn.Linear(config.hidden_size, config.vocab_size, bias=False)
        if config.tie_word_embeddings:
            self.embed_out.weight = self.gpt_neox.embed_in.weight

    def forward(self, input_ids):
        out = self.gpt_neox(input_ids)
        out["logits"] = self.embed_out(out["last_hidden_state"])  # (B, T, V)
        return out
