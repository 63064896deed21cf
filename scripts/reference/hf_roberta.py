"""RoBERTa in plain torch, following Hugging Face transformers (4.36) modeling_roberta.py module by module.

Parameter names are Hugging Face's (`roberta.embeddings.*`, `roberta.encoder.layer.N.*`, `lm_head.*`,
`classifier.*`), so `hf_models.hf_state_dict` gives the keys save_pretrained writes (without the tied
`lm_head.decoder.weight` / `lm_head.decoder.bias`). Dropout is omitted.

The encoder layers are BERT's (modeling_roberta.py copies them from modeling_bert.py: post-LN, additive mask of the
dtype's most negative value, exact GELU), so they are hf_models.BertEncoder. What differs:
  - position ids come from the input ids, not from the attention mask (create_position_ids_from_input_ids):
    non-padding tokens count from padding_idx + 1 (pad_token_id 1, so 2, 3, ...), padding tokens keep padding_idx,
    wherever they stand (left or right padding, or a pad id inside the sequence);
  - word and position embeddings are nn.Embedding with padding_idx (their padding row gets no gradient);
  - no pooler in the masked-LM and classification models; the classification head reads <s> (position 0):
    out_proj(tanh(dense(h[:, 0]))); the LM head is decoder(layer_norm(gelu(dense(h)))) + lm_head.bias, decoder tied
    to the word embeddings; both LayerNorms use config.layer_norm_eps (1e-5 for the released checkpoints).

Legend: B batch, T sequence length, C channels, H heads, D head size, V vocabulary, F FFN size.
"""
from dataclasses import dataclass, field

import torch
import torch.nn as nn
import torch.nn.functional as F

from hf_models import BertEncoder


@dataclass
class RobertaConfig:
    vocab_size: int = 50265
    hidden_size: int = 768
    num_hidden_layers: int = 12
    num_attention_heads: int = 12
    intermediate_size: int = 3072
    max_position_embeddings: int = 514
    type_vocab_size: int = 1
    layer_norm_eps: float = 1e-5
    pad_token_id: int = 1
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


def create_position_ids_from_input_ids(input_ids, padding_idx):
    """Non-padding tokens numbered padding_idx + 1, padding_idx + 2, ... in order; padding tokens get padding_idx."""
    mask = input_ids.ne(padding_idx).long()
    return torch.cumsum(mask, dim=1) * mask + padding_idx  # (B, T)


class RobertaEmbeddings(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.padding_idx = config.pad_token_id
        self.word_embeddings = nn.Embedding(config.vocab_size, config.hidden_size, padding_idx=self.padding_idx)
        self.position_embeddings = nn.Embedding(config.max_position_embeddings, config.hidden_size,
                                                padding_idx=self.padding_idx)
        self.token_type_embeddings = nn.Embedding(config.type_vocab_size, config.hidden_size)
        self.LayerNorm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)

    def forward(self, input_ids, token_type_ids):
        pos = create_position_ids_from_input_ids(input_ids, self.padding_idx)  # (B, T)
        x = self.word_embeddings(input_ids) + self.token_type_embeddings(token_type_ids) + self.position_embeddings(pos)
        return self.LayerNorm(x), pos  # (B, T, C)


class RobertaModel(nn.Module):
    """RobertaModel(config, add_pooling_layer=False), the encoder of both task models below."""

    def __init__(self, config):
        super().__init__()
        self.embeddings = RobertaEmbeddings(config)
        self.encoder = BertEncoder(config)

    def forward(self, input_ids, attention_mask=None, token_type_ids=None):
        """Returns a dict: last_hidden_state (B, T, C), position_ids (B, T), hidden_states [L+1 x (B, T, C)]
        (embedding output after its LayerNorm, then each layer), attentions [L x (B, H, T, T)]."""
        if token_type_ids is None:
            token_type_ids = torch.zeros_like(input_ids)
        if attention_mask is None:
            attention_mask = torch.ones_like(input_ids)
        x, pos = self.embeddings(input_ids, token_type_ids)  # (B, T, C)
        # Hugging Face's extended mask: 0 for kept keys, the dtype's most negative value for padded keys.
        additive_mask = (1.0 - attention_mask[:, None, None, :].to(x.dtype)) * torch.finfo(x.dtype).min  # (B, 1, 1, T)
        hidden_states, attentions = [x], []
        for layer in self.encoder.layer:
            x, probs = layer(x, additive_mask)
            hidden_states.append(x)
            attentions.append(probs)
        return {"last_hidden_state": x, "position_ids": pos, "hidden_states": hidden_states, "attentions": attentions}


class RobertaLMHead(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.dense = nn.Linear(config.hidden_size, config.hidden_size)
        self.layer_norm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        self.decoder = nn.Linear(config.hidden_size, config.vocab_size)
        self.bias = nn.Parameter(torch.zeros(config.vocab_size))
        self.decoder.bias = self.bias  # Hugging Face ties decoder.bias to lm_head.bias

    def forward(self, h):
        return self.decoder(self.layer_norm(F.gelu(self.dense(h))))  # (B, T, V)


class RobertaClassificationHead(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.dense = nn.Linear(config.hidden_size, config.hidden_size)
        self.out_proj = nn.Linear(config.hidden_size, config.num_labels)

    def forward(self, h):
        hidden = torch.tanh(self.dense(h[:, 0]))  # (B, C) from <s>
        return self.out_proj(hidden), hidden  # (B, num_labels)


class RobertaForMaskedLM(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.config = config
        self.roberta = RobertaModel(config)
        self.lm_head = RobertaLMHead(config)
        self.lm_head.decoder.weight = self.roberta.embeddings.word_embeddings.weight  # tied

    def forward(self, input_ids, attention_mask=None, token_type_ids=None):
        out = self.roberta(input_ids, attention_mask, token_type_ids)
        out["logits"] = self.lm_head(out["last_hidden_state"])  # (B, T, V)
        return out


class RobertaForSequenceClassification(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.config = config
        self.roberta = RobertaModel(config)
        self.classifier = RobertaClassificationHead(config)

    def forward(self, input_ids, attention_mask=None, token_type_ids=None):
        out = self.roberta(input_ids, attention_mask, token_type_ids)
        out["logits"], out["classifier_hidden"] = self.classifier(out["last_hidden_state"])  # (B, num_labels), (B, C)
        return out
