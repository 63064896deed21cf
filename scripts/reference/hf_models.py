"""BERT and GPT-2 in plain torch, following Hugging Face transformers (4.36) module by module, and the helpers that
every family's reference shares (activations, checkpoint keys). The other families live beside this file:
hf_distilbert.py, hf_roberta.py, hf_gpt_neox.py, hf_llama.py (Llama and Qwen2).

Independent reference for the WebGPU engine: module and parameter names are exactly Hugging Face's, so
`model.state_dict()` uses the keys that `save_pretrained` writes (minus tied tensors, see `hf_state_dict`)
and a real checkpoint loads with `load_hf_state_dict` without renaming. Dropout is omitted (inference and
our own training run without it).

Legend: B batch, T sequence length, C channels, H heads, D head size (C / H), V vocabulary, F FFN size.
"""
import math
import re
from dataclasses import dataclass, field

import torch
import torch.nn as nn
import torch.nn.functional as F


# ---------------------------------------------------------------------------------------------------------------
# GPT-2 (GPT2LMHeadModel): pre-LN, Conv1D weights stored (in, out), gelu_new, causal attention, tied LM head.
# ---------------------------------------------------------------------------------------------------------------

@dataclass
class GPT2Config:
    vocab_size: int = 50257
    n_positions: int = 1024
    n_embd: int = 768
    n_layer: int = 12
    n_head: int = 12
    n_inner: int = None  # None means 4 * n_embd
    layer_norm_epsilon: float = 1e-5

    @classmethod
    def from_hf(cls, cfg):
        return cls(**{k: cfg[k] for k in cls.__dataclass_fields__ if k in cfg})


def gelu_new(x):
    """GPT-2's tanh approximation of GELU (transformers.activations.NewGELUActivation)."""
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


# transformers.activations.ACT2FN, for the names the supported configs use ("gelu" is the exact erf form).
ACT2FN = {"gelu": F.gelu, "gelu_new": gelu_new, "relu": F.relu, "silu": F.silu}


class Conv1D(nn.Module):
    """transformers.pytorch_utils.Conv1D: a linear layer whose weight is stored (in, out)."""

    def __init__(self, nf, nx):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(nx, nf))  # (in, out)
        self.bias = nn.Parameter(torch.zeros(nf))

    def forward(self, x):
        return x @ self.weight + self.bias


class GPT2Attention(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.n_head = config.n_head
        self.c_attn = Conv1D(3 * config.n_embd, config.n_embd)
        self.c_proj = Conv1D(config.n_embd, config.n_embd)

    def forward(self, x):
        B, T, C = x.shape
        H, D = self.n_head, C // self.n_head
        q, k, v = self.c_attn(x).split(C, dim=2)  # each (B, T, C)
        q = q.view(B, T, H, D).transpose(1, 2)  # (B, H, T, D)
        k = k.view(B, T, H, D).transpose(1, 2)  # (B, H, T, D)
        v = v.view(B, T, H, D).transpose(1, 2)  # (B, H, T, D)
        scores = (q @ k.transpose(-1, -2)) / math.sqrt(D)  # (B, H, T, T)
        causal = torch.ones(T, T, dtype=torch.bool, device=x.device).tril()
        scores = torch.where(causal, scores, torch.tensor(torch.finfo(scores.dtype).min, dtype=scores.dtype))
        probs = scores.softmax(dim=-1)  # (B, H, T, T)
        y = (probs @ v).transpose(1, 2).reshape(B, T, C)  # (B, T, C)
        return self.c_proj(y), probs


class GPT2MLP(nn.Module):
    def __init__(self, config):
        super().__init__()
        inner = config.n_inner or 4 * config.n_embd
        self.c_fc = Conv1D(inner, config.n_embd)
        self.c_proj = Conv1D(config.n_embd, inner)

    def forward(self, x):
        return self.c_proj(gelu_new(self.c_fc(x)))  # (B, T, F) -> (B, T, C)


class GPT2Block(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.ln_1 = nn.LayerNorm(config.n_embd, eps=config.layer_norm_epsilon)
        self.attn = GPT2Attention(config)
        self.ln_2 = nn.LayerNorm(config.n_embd, eps=config.layer_norm_epsilon)
        self.mlp = GPT2MLP(config)

    def forward(self, x):
        a, probs = self.attn(self.ln_1(x))
        x = x + a
        x = x + self.mlp(self.ln_2(x))
        return x, probs


class GPT2Model(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.wte = nn.Embedding(config.vocab_size, config.n_embd)
        self.wpe = nn.Embedding(config.n_positions, config.n_embd)
        self.h = nn.ModuleList([GPT2Block(config) for _ in range(config.n_layer)])
        self.ln_f = nn.LayerNorm(config.n_embd, eps=config.layer_norm_epsilon)

    def forward(self, input_ids):
        """Returns (last_hidden_state (B, T, C), hidden_states [L+1 x (B, T, C)], attentions [L x (B, H, T, T)]).

        As in Hugging Face's output_hidden_states: hidden_states[0] is the embedding output, hidden_states[i] the
        output of block i, and the last entry has ln_f applied (it equals last_hidden_state).
        """
        T = input_ids.shape[1]
        pos = torch.arange(T, device=input_ids.device)
        x = self.wte(input_ids) + self.wpe(pos)  # (B, T, C)
        hidden_states, attentions = [x], []
        for block in self.h:
            x, probs = block(x)
            hidden_states.append(x)
            attentions.append(probs)
        x = self.ln_f(x)
        hidden_states[-1] = x
        return x, hidden_states, attentions


class GPT2LMHeadModel(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.config = config
        self.transformer = GPT2Model(config)
        self.lm_head = nn.Linear(config.n_embd, config.vocab_size, bias=False)
        self.lm_head.weight = self.transformer.wte.weight  # tied

    def forward(self, input_ids):
        h, hidden_states, attentions = self.transformer(input_ids)
        logits = self.lm_head(h)  # (B, T, V)
        return {"logits": logits, "last_hidden_state": h, "hidden_states": hidden_states, "attentions": attentions}


# ---------------------------------------------------------------------------------------------------------------
# BERT: post-LN, torch Linear weights (out, in), exact erf GELU, token types, additive padding mask.
# ---------------------------------------------------------------------------------------------------------------

@dataclass
class BertConfig:
    vocab_size: int = 30522
    hidden_size: int = 768
    num_hidden_layers: int = 12
    num_attention_heads: int = 12
    intermediate_size: int = 3072
    max_position_embeddings: int = 512
    type_vocab_size: int = 2
    layer_norm_eps: float = 1e-12
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


class BertEmbeddings(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.word_embeddings = nn.Embedding(config.vocab_size, config.hidden_size)
        self.position_embeddings = nn.Embedding(config.max_position_embeddings, config.hidden_size)
        self.token_type_embeddings = nn.Embedding(config.type_vocab_size, config.hidden_size)
        self.LayerNorm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)

    def forward(self, input_ids, token_type_ids):
        T = input_ids.shape[1]
        pos = torch.arange(T, device=input_ids.device)
        x = self.word_embeddings(input_ids) + self.token_type_embeddings(token_type_ids) + self.position_embeddings(pos)
        return self.LayerNorm(x)  # (B, T, C)


class BertSelfAttention(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.num_attention_heads = config.num_attention_heads
        self.query = nn.Linear(config.hidden_size, config.hidden_size)
        self.key = nn.Linear(config.hidden_size, config.hidden_size)
        self.value = nn.Linear(config.hidden_size, config.hidden_size)

    def forward(self, x, additive_mask):
        B, T, C = x.shape
        H, D = self.num_attention_heads, C // self.num_attention_heads
        q = self.query(x).view(B, T, H, D).transpose(1, 2)  # (B, H, T, D)
        k = self.key(x).view(B, T, H, D).transpose(1, 2)  # (B, H, T, D)
        v = self.value(x).view(B, T, H, D).transpose(1, 2)  # (B, H, T, D)
        scores = (q @ k.transpose(-1, -2)) / math.sqrt(D) + additive_mask  # (B, H, T, T)
        probs = scores.softmax(dim=-1)  # (B, H, T, T)
        return (probs @ v).transpose(1, 2).reshape(B, T, C), probs  # (B, T, C)


class BertSelfOutput(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.dense = nn.Linear(config.hidden_size, config.hidden_size)
        self.LayerNorm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)

    def forward(self, y, residual):
        return self.LayerNorm(self.dense(y) + residual)


class BertAttention(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.self = BertSelfAttention(config)
        self.output = BertSelfOutput(config)

    def forward(self, x, additive_mask):
        y, probs = self.self(x, additive_mask)
        return self.output(y, x), probs


class BertIntermediate(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.dense = nn.Linear(config.hidden_size, config.intermediate_size)

    def forward(self, x):
        return F.gelu(self.dense(x))  # exact erf GELU, (B, T, F)


class BertOutput(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.dense = nn.Linear(config.intermediate_size, config.hidden_size)
        self.LayerNorm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)

    def forward(self, y, residual):
        return self.LayerNorm(self.dense(y) + residual)  # (B, T, C)


class BertLayer(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.attention = BertAttention(config)
        self.intermediate = BertIntermediate(config)
        self.output = BertOutput(config)

    def forward(self, x, additive_mask):
        a, probs = self.attention(x, additive_mask)
        return self.output(self.intermediate(a), a), probs


class BertEncoder(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.layer = nn.ModuleList([BertLayer(config) for _ in range(config.num_hidden_layers)])


class BertPooler(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.dense = nn.Linear(config.hidden_size, config.hidden_size)

    def forward(self, h):
        return torch.tanh(self.dense(h[:, 0]))  # (B, C) from the [CLS] position


class BertModel(nn.Module):
    def __init__(self, config, add_pooling_layer=True):
        super().__init__()
        self.embeddings = BertEmbeddings(config)
        self.encoder = BertEncoder(config)
        self.pooler = BertPooler(config) if add_pooling_layer else None

    def forward(self, input_ids, token_type_ids=None, attention_mask=None):
        """Returns a dict: last_hidden_state (B, T, C), pooler_output (B, C) or None,
        hidden_states [L+1 x (B, T, C)] (embedding output, then each layer), attentions [L x (B, H, T, T)]."""
        if token_type_ids is None:
            token_type_ids = torch.zeros_like(input_ids)
        if attention_mask is None:
            attention_mask = torch.ones_like(input_ids)
        x = self.embeddings(input_ids, token_type_ids)  # (B, T, C)
        # Hugging Face's extended mask: 0 for kept keys, the dtype's most negative value for padded keys.
        additive_mask = (1.0 - attention_mask[:, None, None, :].to(x.dtype)) * torch.finfo(x.dtype).min  # (B, 1, 1, T)
        hidden_states, attentions = [x], []
        for layer in self.encoder.layer:
            x, probs = layer(x, additive_mask)
            hidden_states.append(x)
            attentions.append(probs)
        pooled = self.pooler(x) if self.pooler is not None else None
        return {"last_hidden_state": x, "pooler_output": pooled, "hidden_states": hidden_states, "attentions": attentions}


class BertPredictionHeadTransform(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.dense = nn.Linear(config.hidden_size, config.hidden_size)
        self.LayerNorm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)

    def forward(self, h):
        return self.LayerNorm(F.gelu(self.dense(h)))


class BertLMPredictionHead(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.transform = BertPredictionHeadTransform(config)
        self.decoder = nn.Linear(config.hidden_size, config.vocab_size, bias=False)
        self.bias = nn.Parameter(torch.zeros(config.vocab_size))
        self.decoder.bias = self.bias  # Hugging Face ties decoder.bias to predictions.bias

    def forward(self, h):
        return self.decoder(self.transform(h))  # (B, T, V)


class BertOnlyMLMHead(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.predictions = BertLMPredictionHead(config)


class BertPreTrainingHeads(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.predictions = BertLMPredictionHead(config)
        self.seq_relationship = nn.Linear(config.hidden_size, 2)


class BertForMaskedLM(nn.Module):
    """Also the layout of BertLMHeadModel (same keys; as an encoder, is_decoder false, it is bidirectional)."""

    def __init__(self, config):
        super().__init__()
        self.config = config
        self.bert = BertModel(config, add_pooling_layer=False)
        self.cls = BertOnlyMLMHead(config)
        self.cls.predictions.decoder.weight = self.bert.embeddings.word_embeddings.weight  # tied

    def forward(self, input_ids, token_type_ids=None, attention_mask=None):
        out = self.bert(input_ids, token_type_ids, attention_mask)
        out["logits"] = self.cls.predictions(out["last_hidden_state"])  # (B, T, V)
        return out


class BertForPreTraining(nn.Module):
    """Encoder with pooler, MLM head and next-sentence head (the layout of the original BERT checkpoints)."""

    def __init__(self, config):
        super().__init__()
        self.config = config
        self.bert = BertModel(config, add_pooling_layer=True)
        self.cls = BertPreTrainingHeads(config)
        self.cls.predictions.decoder.weight = self.bert.embeddings.word_embeddings.weight  # tied

    def forward(self, input_ids, token_type_ids=None, attention_mask=None):
        out = self.bert(input_ids, token_type_ids, attention_mask)
        out["logits"] = self.cls.predictions(out["last_hidden_state"])  # (B, T, V)
        out["seq_relationship_logits"] = self.cls.seq_relationship(out["pooler_output"])  # (B, 2)
        return out


class BertForSequenceClassification(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.config = config
        self.bert = BertModel(config, add_pooling_layer=True)
        self.classifier = nn.Linear(config.hidden_size, config.num_labels)

    def forward(self, input_ids, token_type_ids=None, attention_mask=None):
        out = self.bert(input_ids, token_type_ids, attention_mask)
        out["logits"] = self.classifier(out["pooler_output"])  # (B, num_labels)
        return out


# ---------------------------------------------------------------------------------------------------------------
# Checkpoint keys
# ---------------------------------------------------------------------------------------------------------------

# Tensors that save_pretrained leaves out because they share storage with another saved tensor (GPT-2, BERT,
# DistilBERT, RoBERTa; Llama and GPT-NeoX when tie_word_embeddings is true). A listed key is dropped only when it
# really is an alias: an untied lm_head.weight (Llama) is saved.
TIED_KEYS = {"lm_head.weight", "cls.predictions.decoder.weight", "cls.predictions.decoder.bias",
             "vocab_projector.weight", "lm_head.decoder.weight", "lm_head.decoder.bias", "embed_out.weight"}


def hf_state_dict(model):
    """The tensors save_pretrained writes for this model: the state dict without the tied aliases."""
    state = model.state_dict()
    saved = {v.data_ptr() for k, v in state.items() if k not in TIED_KEYS}
    return {k: v for k, v in state.items() if k not in TIED_KEYS or v.data_ptr() not in saved}


def load_hf_state_dict(model, tensors, ignore_unexpected=None):
    """Load a checkpoint's tensors; raise if any key is missing or unexpected (tied aliases are not expected).
    `ignore_unexpected`: a regular expression for keys Hugging Face's from_pretrained skips (legacy buffers)."""
    if ignore_unexpected is not None:
        tensors = {k: v for k, v in tensors.items() if not re.search(ignore_unexpected, k)}
    expected = set(hf_state_dict(model))
    missing, unexpected = sorted(expected - set(tensors)), sorted(set(tensors) - expected)
    if missing or unexpected:
        raise KeyError(f"missing keys {missing}, unexpected keys {unexpected}")
    params = model.state_dict()
    with torch.no_grad():
        for name, value in tensors.items():
            if tuple(params[name].shape) != tuple(value.shape):
                raise ValueError(f"{name}: checkpoint shape {tuple(value.shape)}, model {tuple(params[name].shape)}")
            params[name].copy_(value)
