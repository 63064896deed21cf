"""Build the Hub fixtures: torch .bin checkpoints, shards, vocab-only tokenizers and the stand-in's repo manifests.

  /usr/bin/python3 scripts/reference/make_bin_fixtures.py

Needs Debian's torch (1.13: torch.save writes the zip format, and tensors that share memory share one storage).
Writes test/fixtures/hub/ (served by scripts/hub-server.mjs as <org>/<name>/resolve/<revision>/<file>):

  hub-test/tiny-gpt2-bin/            pytorch_model.bin only: tiny-gpt2's weights as GPT2LMHeadModel's state dict,
                                     lm_head.weight sharing wte's storage, and the attn.bias / attn.masked_bias
                                     buffers older transformers saved
  hub-test/tiny-bert-bin-f16/        pytorch_model.bin only: tiny-bert's weights in float16 with the int64
                                     position_ids / token_type_ids buffers and the tied MLM decoder; golden.json from
                                     the float64 reference (scripts/reference/hf_models.py) on those float16 weights
  hub-test/tiny-gpt2-sharded-bin/    pytorch_model.bin.index.json + 2 shards (tiny-gpt2)
  hub-test/tiny-bert-sharded/        model.safetensors.index.json + 2 shards (tiny-bert)
  hub-test/tiny-gpt2-vocab/          vocab.json + merges.txt instead of tokenizer.json (from tiny-gpt2's tokenizer)
  hub-test/tiny-bert-vocab/          vocab.txt + tokenizer_config.json instead of tokenizer.json (tiny-bert's)
  hub-test/bert-vocab-mismatch/      tiny-bert with a 500-entry vocab.txt (the model has 1,000 embeddings)
  hub-test/*/hub-repo.json           repos made of other fixtures' files (see scripts/hub-server.mjs): both formats,
                                     gated, private, a branch that moves, a refused config
  files/dtypes{,.legacy,.deflated}.bin + dtypes.safetensors
                                     every storage type, strides, offsets, shared storages, a parameter and a scalar,
                                     in the zip format, the legacy (pre-1.6) format and re-zipped with deflate; the
                                     .safetensors twin holds each tensor as float32 (contiguous), written independently
  files/nested.bin                   {"state_dict": …, "epoch": 3}, as training scripts save

Every .bin is read back with torch.load and compared with what was saved. CI never runs this; the files are committed.
"""
import collections
import io
import json
import os
import shutil
import sys
import zipfile

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hf_models import BertConfig, BertForPreTraining, load_hf_state_dict  # noqa: E402
from make_fixtures import bert_cases, golden_header, write_json  # noqa: E402
from safetensors_io import read_safetensors, write_safetensors  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MODELS = os.path.join(ROOT, "test", "fixtures", "models")
HUB = os.path.join(ROOT, "test", "fixtures", "hub")
ORG = os.path.join(HUB, "hub-test")
FILES = os.path.join(HUB, "files")


def folder(*parts):
    path = os.path.join(*parts)
    os.makedirs(path, exist_ok=True)
    return path


def save_bin(path, state, **kwargs):
    torch.save(state, path, **kwargs)
    loaded = torch.load(path)
    loaded = loaded.get("state_dict", loaded)
    original = state.get("state_dict", state)
    assert list(loaded) == [k for k, v in original.items() if torch.is_tensor(v)], f"{path}: keys changed"
    for k, v in loaded.items():
        assert torch.equal(v, original[k]), f"{path}: {k} changed"


def storage_entries(path):
    with zipfile.ZipFile(path) as z:
        return sorted(n for n in z.namelist() if "/data/" in n)


def model_tensors(name):
    tensors, _ = read_safetensors(os.path.join(MODELS, name, "model.safetensors"))
    return tensors


def copy_model_file(name, file, to):
    shutil.copyfile(os.path.join(MODELS, name, file), os.path.join(to, file))


def rel(path, start):
    return os.path.relpath(path, start).replace(os.sep, "/")


# --------------------------------------------------------------------------------------------------------------
# .bin checkpoints of the tiny models
# --------------------------------------------------------------------------------------------------------------

def gpt2_state_dict():
    """GPT2LMHeadModel.state_dict() as transformers 4.2x saved it: buffers included, lm_head tied to wte."""
    tensors = model_tensors("tiny-gpt2")
    n_ctx = json.load(open(os.path.join(MODELS, "tiny-gpt2", "config.json")))["n_positions"]
    state = collections.OrderedDict()
    for name in sorted(tensors):
        state[name] = tensors[name]
        if name.endswith("ln_1.bias"):
            block = name[: -len("ln_1.bias")]
            state[block + "attn.bias"] = torch.tril(torch.ones((n_ctx, n_ctx), dtype=torch.bool)).view(1, 1, n_ctx, n_ctx)
            state[block + "attn.masked_bias"] = torch.tensor(-1e4)
    # state_dict() detaches each entry: the tied head is a second tensor object over wte's storage.
    state["lm_head.weight"] = state["transformer.wte.weight"].detach()
    return state


def make_gpt2_bin():
    out = folder(ORG, "tiny-gpt2-bin")
    state = gpt2_state_dict()
    path = os.path.join(out, "pytorch_model.bin")
    save_bin(path, state)
    storages = storage_entries(path)
    assert len(storages) == len(state) - 1, "lm_head.weight must share wte's storage"
    for file in ("config.json", "tokenizer.json"):
        copy_model_file("tiny-gpt2", file, out)


def make_bert_bin_f16():
    out = folder(ORG, "tiny-bert-bin-f16")
    tensors = {k: v.half() for k, v in model_tensors("tiny-bert").items()}
    config = json.load(open(os.path.join(MODELS, "tiny-bert", "config.json")))
    config = dict(config, torch_dtype="float16", _name_or_path="tiny-bert-bin-f16")
    P = config["max_position_embeddings"]
    state = collections.OrderedDict()
    state["bert.embeddings.position_ids"] = torch.arange(P).expand((1, -1))  # (1, P) int64, stride (0, 1)
    state["bert.embeddings.token_type_ids"] = torch.zeros((1, P), dtype=torch.long)
    for name in sorted(tensors):
        state[name] = tensors[name]
    state["cls.predictions.decoder.weight"] = state["bert.embeddings.word_embeddings.weight"].detach()
    state["cls.predictions.decoder.bias"] = state["cls.predictions.bias"].detach()
    path = os.path.join(out, "pytorch_model.bin")
    save_bin(path, state)
    assert len(storage_entries(path)) == len(state) - 2, "the MLM decoder must share the embeddings' storages"
    write_json(os.path.join(out, "config.json"), config)
    copy_model_file("tiny-bert", "tokenizer.json", out)
    # The reference on exactly these float16 weights (the same cases as tiny-bert's golden).
    model = BertForPreTraining(BertConfig.from_hf(config)).double()
    load_hf_state_dict(model, {k: v.double() for k, v in tensors.items()})
    golden = golden_header("tiny-bert-bin-f16", config)
    golden["cases"] = bert_cases(model, config["vocab_size"], np.random.default_rng(20))
    write_json(os.path.join(out, "golden.json"), golden, indent=None)


def shard_names(count, stem, extension):
    return [f"{stem}-{i + 1:05d}-of-{count:05d}.{extension}" for i in range(count)]


def write_index(path, shards):
    weight_map = {name: shard for shard, tensors in shards.items() for name in tensors}
    total = sum(t.numel() * t.element_size() for tensors in shards.values() for t in tensors.values())
    write_json(path, {"metadata": {"total_size": total}, "weight_map": dict(sorted(weight_map.items()))})


def split_layers(tensors):
    """Embeddings and layer 0 in the first shard, the rest in the second (save_pretrained fills shards in order)."""
    first = {k: v for k, v in tensors.items() if "h.0." in k or "layer.0." in k or "embeddings" in k or k.endswith(("wte.weight", "wpe.weight"))}
    second = {k: v for k, v in tensors.items() if k not in first}
    return first, second


def make_gpt2_sharded_bin():
    out = folder(ORG, "tiny-gpt2-sharded-bin")
    first, second = split_layers(model_tensors("tiny-gpt2"))
    names = shard_names(2, "pytorch_model", "bin")
    shards = {names[0]: first, names[1]: second}
    for shard, tensors in shards.items():
        save_bin(os.path.join(out, shard), collections.OrderedDict(sorted(tensors.items())))
    write_index(os.path.join(out, "pytorch_model.bin.index.json"), shards)
    for file in ("config.json", "tokenizer.json"):
        copy_model_file("tiny-gpt2", file, out)


def make_bert_sharded_safetensors():
    out = folder(ORG, "tiny-bert-sharded")
    first, second = split_layers(model_tensors("tiny-bert"))
    names = shard_names(2, "model", "safetensors")
    shards = {names[0]: first, names[1]: second}
    for shard, tensors in shards.items():
        write_safetensors(os.path.join(out, shard), tensors)
    write_index(os.path.join(out, "model.safetensors.index.json"), shards)
    for file in ("config.json", "tokenizer.json"):
        copy_model_file("tiny-bert", file, out)


# --------------------------------------------------------------------------------------------------------------
# Vocab-only tokenizers (the files older repos publish instead of tokenizer.json)
# --------------------------------------------------------------------------------------------------------------

def model_file_refs(name, out, files=("config.json", "model.safetensors")):
    return {file: rel(os.path.join(MODELS, name, file), out) for file in files}


def make_vocab_repos():
    gpt2 = json.load(open(os.path.join(MODELS, "tiny-gpt2", "tokenizer.json")))
    out = folder(ORG, "tiny-gpt2-vocab")
    vocab = dict(sorted(gpt2["model"]["vocab"].items(), key=lambda item: item[1]))
    with open(os.path.join(out, "vocab.json"), "w", encoding="utf-8") as f:
        json.dump(vocab, f, ensure_ascii=False)
    merges = [m if isinstance(m, str) else " ".join(m) for m in gpt2["model"]["merges"]]
    with open(os.path.join(out, "merges.txt"), "w", encoding="utf-8") as f:
        f.write("#version: 0.2\n" + "\n".join(merges) + "\n")
    write_json(os.path.join(out, "tokenizer_config.json"), {
        "model_max_length": 64, "bos_token": "<|endoftext|>", "eos_token": "<|endoftext|>",
        "unk_token": "<|endoftext|>", "add_prefix_space": False, "clean_up_tokenization_spaces": True,
        "tokenizer_class": "GPT2Tokenizer"})
    write_json(os.path.join(out, "hub-repo.json"), {
        "description": "tiny-gpt2 with vocab.json + merges.txt and no tokenizer.json",
        "files": {**model_file_refs("tiny-gpt2", out), "vocab.json": "vocab.json", "merges.txt": "merges.txt",
                  "tokenizer_config.json": "tokenizer_config.json"}})

    bert = json.load(open(os.path.join(MODELS, "tiny-bert", "tokenizer.json")))
    by_id = sorted(bert["model"]["vocab"].items(), key=lambda item: item[1])
    assert [i for _, i in by_id] == list(range(len(by_id))), "tiny-bert's vocabulary must be dense"
    bert_config = {"do_lower_case": True, "strip_accents": None, "tokenize_chinese_chars": True,
                   "model_max_length": 64, "clean_up_tokenization_spaces": True, "tokenizer_class": "BertTokenizer"}
    for name, entries in (("tiny-bert-vocab", by_id), ("bert-vocab-mismatch", by_id[:500])):
        out = folder(ORG, name)
        with open(os.path.join(out, "vocab.txt"), "w", encoding="utf-8") as f:
            f.write("".join(token + "\n" for token, _ in entries))
        write_json(os.path.join(out, "tokenizer_config.json"), bert_config)
        write_json(os.path.join(out, "hub-repo.json"), {
            "description": f"tiny-bert with a {len(entries)}-entry vocab.txt and no tokenizer.json",
            "files": {**model_file_refs("tiny-bert", out), "vocab.txt": "vocab.txt",
                      "tokenizer_config.json": "tokenizer_config.json"}})


# --------------------------------------------------------------------------------------------------------------
# Repos for the stand-in's access, revision and transfer tests (manifests over the files above)
# --------------------------------------------------------------------------------------------------------------

GRANTED_TOKEN = "hf_hubtest_granted"
OTHER_TOKEN = "hf_hubtest_not_granted"


def make_manifest_repos():
    gpt2_files = lambda out: model_file_refs("tiny-gpt2", out, ("config.json", "model.safetensors", "tokenizer.json"))
    out = folder(ORG, "tiny-gpt2-both")
    write_json(os.path.join(out, "hub-repo.json"), {
        "description": "model.safetensors and pytorch_model.bin side by side: the loader takes the safetensors",
        "files": {**gpt2_files(out), "pytorch_model.bin": rel(os.path.join(ORG, "tiny-gpt2-bin", "pytorch_model.bin"), out)}})
    for name, access in (("gated-gpt2", {"gated": "manual"}), ("private-gpt2", {"private": True})):
        out = folder(ORG, name)
        write_json(os.path.join(out, "hub-repo.json"), {
            "description": f"tiny-gpt2 behind {'a gate' if 'gated' in access else 'private access'}: "
                           f"{GRANTED_TOKEN} has access, {OTHER_TOKEN} does not",
            **access, "tokens": [GRANTED_TOKEN], "files": gpt2_files(out)})
    out = folder(ORG, "moving-gpt2")
    f16 = model_file_refs("tiny-gpt2-f16", out)
    write_json(os.path.join(out, "hub-repo.json"), {
        "description": "two snapshots: tiny-gpt2 (first) and tiny-gpt2-f16 (second); main starts on first, the tag "
                       "v2 and the pull request refs/pr/1 point at second; tests repoint main",
        "snapshots": {"first": gpt2_files(out),
                      "second": {**f16, "tokenizer.json": gpt2_files(out)["tokenizer.json"]}},
        "refs": {"main": "first", "v2": "second", "refs/pr/1": "second"}})
    out = folder(ORG, "refused-config")
    write_json(os.path.join(out, "config.json"), {"model_type": "refused-by-test", "architectures": ["NothingWeRun"]})
    sharded = os.path.join(ORG, "tiny-bert-sharded")
    shard_files = sorted(f for f in os.listdir(sharded) if f.endswith(".safetensors") or f.endswith(".index.json"))
    write_json(os.path.join(out, "hub-repo.json"), {
        "description": "a config.json no family accepts, over tiny-bert's shards: after the refusal nothing else is requested",
        "files": {"config.json": "config.json", **{f: rel(os.path.join(sharded, f), out) for f in shard_files},
                  "tokenizer.json": rel(os.path.join(MODELS, "tiny-bert", "tokenizer.json"), out)}})


# --------------------------------------------------------------------------------------------------------------
# Format corner cases for the unit tests
# --------------------------------------------------------------------------------------------------------------

def dtype_state_dict():
    g = torch.Generator().manual_seed(7)
    base = torch.randn(6, 5, generator=g)
    shared = torch.randn(20, generator=g)
    state = collections.OrderedDict()
    state["f32"] = torch.randn(3, 4, generator=g)
    state["f32_transposed"] = base.t()  # (5, 6), stride (1, 5)
    state["f32_column"] = base[:, 2]  # (6,), stride (5,), offset 2
    state["f32_slice_a"] = shared[3:9]  # offset 3, sharing one storage with slice_b
    state["f32_slice_b"] = shared[10:20].view(2, 5)
    state["f32_expanded"] = torch.randn(1, 4, generator=g).expand(3, 4)  # stride (0, 1)
    state["f32_scalar"] = torch.tensor(-1e4)
    state["f32_empty"] = torch.zeros(0, 3)
    state["f64"] = torch.randn(2, 3, generator=g, dtype=torch.float64)
    state["f16"] = torch.randn(4, 3, generator=g).half()
    state["bf16"] = torch.randn(3, 2, generator=g).bfloat16()
    state["i64_position_ids"] = torch.arange(7).expand((1, -1))
    state["i32"] = torch.tensor([[-5, 0, 7], [2**31 - 1, -(2**31), 3]], dtype=torch.int32)
    state["i16"] = torch.tensor([-300, 12, 32767], dtype=torch.int16)
    state["i8"] = torch.tensor([-128, 0, 127], dtype=torch.int8)
    state["u8"] = torch.tensor([0, 200, 255], dtype=torch.uint8)
    state["bool_causal"] = torch.tril(torch.ones(4, 4, dtype=torch.bool)).view(1, 1, 4, 4)
    state["parameter"] = torch.nn.Parameter(torch.randn(2, 2, generator=g))  # pickled via _rebuild_parameter
    return state


def make_format_files():
    out = folder(FILES)
    state = dtype_state_dict()
    save_bin(os.path.join(out, "dtypes.bin"), state)
    save_bin(os.path.join(out, "dtypes.legacy.bin"), state, _use_new_zipfile_serialization=False)
    with open(os.path.join(out, "dtypes.legacy.bin"), "rb") as f:
        assert not f.read(4).startswith(b"PK"), "the legacy file must not be a zip archive"
    # The same archive with every entry deflated, as a re-zipping tool would leave it.
    with zipfile.ZipFile(os.path.join(out, "dtypes.bin")) as source, \
            zipfile.ZipFile(os.path.join(out, "dtypes.deflated.bin"), "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info.filename))
    twin = {name: t.detach().float().contiguous() for name, t in state.items()}
    write_safetensors(os.path.join(out, "dtypes.safetensors"), twin, dtype="F32")
    nested = {"state_dict": collections.OrderedDict((k, v) for k, v in state.items() if k.startswith("f32")), "epoch": 3}
    save_bin(os.path.join(out, "nested.bin"), nested)


def main():
    if os.path.isdir(HUB):
        shutil.rmtree(HUB)
    make_gpt2_bin()
    make_bert_bin_f16()
    make_gpt2_sharded_bin()
    make_bert_sharded_safetensors()
    make_vocab_repos()
    make_manifest_repos()
    make_format_files()
    total = 0
    for path, _, files in sorted(os.walk(HUB)):
        for f in sorted(files):
            size = os.path.getsize(os.path.join(path, f))
            total += size
            print(f"{os.path.relpath(os.path.join(path, f), ROOT)}: {size / 1024:.1f} KiB")
    print(f"total {total / 1024:.1f} KiB")


if __name__ == "__main__":
    main()
