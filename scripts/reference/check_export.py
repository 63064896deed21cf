"""Loads a folder the Fine-tune tab exported into the torch reference of the class its config.json names
(any architecture in CLASSES), requiring exactly the tensor names and shapes Hugging Face's
save_pretrained writes for it (no missing, no unexpected key), then runs it once.

    /usr/bin/python3 scripts/reference/check_export.py <exported folder> [<exported folder> ...]

The folders come from the app ("Save folder…" / "Download files") or from
`PLAYGROUND_EXPORT_DIR=/tmp/exports npx vitest run src/finetune/gpuStepper.test.ts src/models/encoder/export.test.ts`.
A folder with an `expected_logits.json` ({"input_ids": [...], "logits": [...]}, our engine's output, written by
export.test.ts) also has its torch logits on those ids compared with ours (float64 reference, at most 1e-4 apart).
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(__file__))
from hf_distilbert import DistilBertConfig, DistilBertForMaskedLM, DistilBertForSequenceClassification  # noqa: E402
from hf_gpt_neox import GPTNeoXConfig, GPTNeoXForCausalLM  # noqa: E402
from hf_llama import LlamaConfig, LlamaForCausalLM  # noqa: E402
from hf_models import BertConfig, BertForSequenceClassification, GPT2Config, GPT2LMHeadModel, load_hf_state_dict  # noqa: E402
from hf_roberta import RobertaConfig, RobertaForMaskedLM, RobertaForSequenceClassification  # noqa: E402
from safetensors_io import read_safetensors  # noqa: E402

CLASSES = {
    "BertForSequenceClassification": (BertConfig, BertForSequenceClassification),
    "GPT2LMHeadModel": (GPT2Config, GPT2LMHeadModel),
    "DistilBertForMaskedLM": (DistilBertConfig, DistilBertForMaskedLM),
    "DistilBertForSequenceClassification": (DistilBertConfig, DistilBertForSequenceClassification),
    "RobertaForMaskedLM": (RobertaConfig, RobertaForMaskedLM),
    "RobertaForSequenceClassification": (RobertaConfig, RobertaForSequenceClassification),
    "GPTNeoXForCausalLM": (GPTNeoXConfig, GPTNeoXForCausalLM),
    "LlamaForCausalLM": (LlamaConfig, LlamaForCausalLM),
    "Qwen2ForCausalLM": (LlamaConfig, LlamaForCausalLM),
}


def check(folder):
    with open(os.path.join(folder, "config.json")) as f:
        config = json.load(f)
    architecture = config["architectures"][0]
    config_class, model_class = CLASSES[architecture]
    model = model_class(config_class.from_hf(config)).eval()
    tensors, _ = read_safetensors(os.path.join(folder, "model.safetensors"))
    load_hf_state_dict(model, tensors)  # raises on a missing, unexpected or misshapen tensor
    with torch.no_grad():
        out = model(torch.tensor([[1, 2, 3]]))
    logits = out["logits"] if isinstance(out, dict) else out
    print(f"{folder}: {architecture} loads with {len(tensors)} tensors, exact names and shapes; logits {tuple(logits.shape)}")
    expected_path = os.path.join(folder, "expected_logits.json")
    if os.path.exists(expected_path):
        with open(expected_path) as f:
            expected = json.load(f)
        model = model.double()
        with torch.no_grad():
            out = model(torch.tensor([expected["input_ids"]]))
        logits = (out["logits"] if isinstance(out, dict) else out).flatten()
        diff = (logits - torch.tensor(expected["logits"], dtype=torch.float64)).abs().max().item()
        print(f"{folder}: torch logits on {len(expected['input_ids'])} ids vs the app's: max abs diff {diff:.2e}")
        if diff > 1e-4:
            raise SystemExit(f"{folder}: the exported model's logits differ from the app's by {diff:.2e}")


if __name__ == "__main__":
    for path in sys.argv[1:]:
        check(path)
