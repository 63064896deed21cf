"""DistilBERT in plain torch, following Hugging Face transformers (4.36) modeling_distilbert.py module by module.

Parameter names are Hugging Face's (`distilbert.embeddings.*`, `distilbert.transformer.layer.N.*`, the heads'
`vocab_*`, `pre_classifier`, `classifier`), so `hf_models.hf_state_dict` gives the keys save_pretrained writes
(without the tied `vocab_projector.weight`). Dropout is omitted.

What differs from BERT: no token types, no pooler; post-LN blocks named attention.{q,k,v,out}_lin, sa_layer_norm,
ffn.lin1/lin2, output_layer_norm; every LayerNorm has eps 1e-12 whatever the config says; queries are divided by
sqrt(D) before the product and padded keys are set (masked_fill) to the dtype's most negative value; the FFN
activation is config.activation. With sinusoidal_pos_embds the position table is Hugging Face's
create_sinusoidal_embeddings (sin on even channels, cos on odd ones, interleaved), frozen (requires_grad False),
and still a parameter: it is saved in the checkpoint and from_pretrained reads it back from there.

Legend: B batch, T sequence length, C channels (dim), H heads, D head size (C / H), V vocabulary, F FFN size.
"""
import math
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from hf_models import ACT2FN

LAYER_NORM_EPS = 1e-12  # hard-coded in modeling_distilbert.py, not read from the config


@dataclass
class DistilBertConfig:
    vocab_size: int = 30522
    max_position_embeddings: int = 512
    sinusoidal_pos_embds: bool = False
    n_layers: int = 6
    n_heads: int = 12
    dim: int = 768
    hidden_dim: int = 4 * 768
    activation: str = "gelu"
    pad_token_id: int = 0
    id2label: dict = field(default_factory=lambda: {0: "LABEL_0", 1: "LABEL_1"})

    @classmethod
    def from_hf(cls, cfg):
        kwargs = {k: cfg[k] for k in cls.__dataclass_fields__ if k in cfg and k != "id2label"}
        if "id2label" in cfg:
            kwargs["id2label"] = {int(i): name for i, name in cfg["id2label"].items()}
        return cls(**kwargs)

    @property
    def num_labels(self):
        return len(self.id2label)


def sinusoidal_table(n_pos, dim):
    """_create_sinusoidal_embeddings: angle pos / 10000^(2 (j // 2) / dim), sin at even j, cos at odd j.
    Computed in float64 by numpy and stored as float32, as Hugging Face's torch.FloatTensor does."""
    position_enc = np.array([[pos / np.power(10000, 2 * (j // 2) / dim) for j in range(dim)] for pos in range(n_pos)])
    out = torch.zeros(n_pos, dim)
    out[:, 0::2] = torch.FloatTensor(np.sin(position_enc[:, 0::2]))
    out[:, 1::2] = torch.FloatTensor(np.cos(position_enc[:, 1::2]))
    return out  # (P, C) float32


class Embeddings(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.word_embeddings = nn.Embedding(config.vocab_size, config.dim, padding_idx=config.pad_token_id)
        self.position_embeddings = nn.Embedding(config.max_position_embeddings, config.dim)
        if config.sinusoidal_pos_embds:
            with torch.no_grad():
                self.position_embeddings.weight.copy_(sinusoidal_table(config.max_position_embeddings, config.dim))
            self.position_embeddings.weight.requires_grad = False
        self.LayerNorm = nn.LayerNorm(config.dim, eps=LAYER_NORM_EPS)

    def forward(self, input_ids):
        T = input_ids.shape[1]
        pos = torch.arange(T, device=input_ids.device)  # 0..T-1 whatever the padding
        return self.LayerNorm(self.word_embeddings(input_ids) + self.position_embeddings(pos))  # (B, T, C)


class MultiHeadSelfAttention(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.n_heads = config.n_heads
        self.q_lin = nn.Linear(config.dim, config.dim)
        self.k_lin = nn.Linear(config.dim, config.dim)
        self.v_lin = nn.Linear(config.dim, config.dim)
        self.out_lin = nn.Linear(config.dim, config.dim)

    def forward(self, x, attention_mask):
        B, T, C = x.shape
        H, D = self.n_heads, C // self.n_heads
        q = self.q_lin(x).view(B, T, H, D).transpose(1, 2)  # (B, H, T, D)
        k = self.k_lin(x).view(B, T, H, D).transpose(1, 2)  # (B, H, T, D)
        v = self.v_lin(x).view(B, T, H, D).transpose(1, 2)  # (B, H, T, D)
        q = q / math.sqrt(D)
        scores = q @ k.transpose(2, 3)  # (B, H, T, T)
        padded = (attention_mask == 0).view(B, 1, 1, T).expand_as(scores)
        scores = scores.masked_fill(padded, torch.finfo(scores.dtype).min)
        probs = scores.softmax(dim=-1)  # (B, H, T, T)
        y = (probs @ v).transpose(1, 2).reshape(B, T, C)  # (B, T, C)
        return self.out_lin(y), probs


class FFN(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.lin1 = nn.Linear(config.dim, config.hidden_dim)
        self.lin2 = nn.Linear(config.hidden_dim, config.dim)
        self.activation = ACT2FN[config.activation]

    def forward(self, x):
        return self.lin2(self.activation(self.lin1(x)))  # (B, T, F) -> (B, T, C)


class TransformerBlock(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.attention = MultiHeadSelfAttention(config)
        self.sa_layer_norm = nn.LayerNorm(config.dim, eps=LAYER_NORM_EPS)
        self.ffn = FFN(config)
        self.output_layer_norm = nn.LayerNorm(config.dim, eps=LAYER_NORM_EPS)

    def forward(self, x, attention_mask):
        a, probs = self.attention(x, attention_mask)
        a = self.sa_layer_norm(a + x)  # (B, T, C)
        return self.output_layer_norm(self.ffn(a) + a), probs  # (B, T, C)


class Transformer(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.layer = nn.ModuleList([TransformerBlock(config) for _ in range(config.n_layers)])


class DistilBertModel(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.embeddings = Embeddings(config)
        self.transformer = Transformer(config)

    def forward(self, input_ids, attention_mask=None):
        """Returns a dict: last_hidden_state (B, T, C), hidden_states [L+1 x (B, T, C)] (embedding output after its
        LayerNorm, then each layer), attentions [L x (B, H, T, T)]."""
        if attention_mask is None:
            attention_mask = torch.ones_like(input_ids)
        x = self.embeddings(input_ids)  # (B, T, C)
        hidden_states, attentions = [x], []
        for block in self.transformer.layer:
            x, probs = block(x, attention_mask)
            hidden_states.append(x)
            attentions.append(probs)
        return {"last_hidden_state": x, "hidden_states": hidden_states, "attentions": attentions}


class DistilBertForMaskedLM(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.config = config
        self.activation = ACT2FN[config.activation]
        self.distilbert = DistilBertModel(config)
        self.vocab_transform = nn.Linear(config.dim, config.dim)
        self.vocab_layer_norm = nn.LayerNorm(config.dim, eps=LAYER_NORM_EPS)
        self.vocab_projector = nn.Linear(config.dim, config.vocab_size)  # its bias is its own
        self.vocab_projector.weight = self.distilbert.embeddings.word_embeddings.weight  # tied

    def forward(self, input_ids, attention_mask=None):
        out = self.distilbert(input_ids, attention_mask)
        x = self.vocab_layer_norm(self.activation(self.vocab_transform(out["last_hidden_state"])))  # (B, T, C)
        out["logits"] = self.vocab_projector(x)  # (B, T, V)
        return out


class DistilBertForSequenceClassification(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.config = config
        self.distilbert = DistilBertModel(config)
        self.pre_classifier = nn.Linear(config.dim, config.dim)
        self.classifier = nn.Linear(config.dim, config.num_labels)

    def forward(self, input_ids, attention_mask=None):
        out = self.distilbert(input_ids, attention_mask)
        pooled = F.relu(self.pre_classifier(out["last_hidden_state"][:, 0]))  # (B, C) from the first token
        out["classifier_hidden"] = pooled
        out["logits"] = self.classifier(pooled)  # (B, num_labels)
        return out
