"""Minimal safetensors reader and writer (the format: u64 little-endian header length, a JSON header
{name: {dtype, shape, data_offsets}, "__metadata__": {...}}, then the raw little-endian tensor bytes).

The writer lays files out like the Rust `safetensors` library used by Hugging Face's save_pretrained: compact JSON,
`__metadata__` first, tensors sorted by name, the header padded with spaces to a multiple of 8 bytes.
"""
import json
import struct

import numpy as np
import torch

DTYPES = {"F32": np.float32, "F16": np.float16, "I64": np.int64, "I32": np.int32, "U8": np.uint8}
NAMES = {np.dtype(v): k for k, v in DTYPES.items()}


def read_safetensors(path):
    """Returns ({name: float32/int torch tensor (a copy)}, metadata dict)."""
    with open(path, "rb") as f:
        data = f.read()
    (header_len,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + header_len])
    metadata = header.pop("__metadata__", {})
    base = 8 + header_len
    tensors = {}
    for name, info in header.items():
        start, end = info["data_offsets"]
        array = np.frombuffer(data[base + start : base + end], dtype=np.dtype(DTYPES[info["dtype"]]).newbyteorder("<"))
        tensors[name] = torch.from_numpy(array.reshape(info["shape"]).copy())
    return tensors, metadata


def write_safetensors(path, tensors, dtype="F32", metadata=None):
    """Write {name: torch tensor} with floating tensors stored as `dtype` ("F32" or "F16")."""
    arrays = {}
    for name, t in sorted(tensors.items()):
        a = t.detach().cpu().numpy()
        if np.issubdtype(a.dtype, np.floating):
            a = a.astype(DTYPES[dtype])
        # (np.ascontiguousarray makes a 0-d array 1-d; reshape keeps a scalar tensor's shape [])
        arrays[name] = np.ascontiguousarray(a).reshape(a.shape).astype(a.dtype.newbyteorder("<"), copy=False)
    header = {"__metadata__": metadata or {"format": "pt"}}
    offset = 0
    for name, a in arrays.items():
        header[name] = {"dtype": NAMES[a.dtype.newbyteorder("=")], "shape": list(a.shape), "data_offsets": [offset, offset + a.nbytes]}
        offset += a.nbytes
    header_bytes = json.dumps(header, separators=(",", ":")).encode("utf-8")
    header_bytes += b" " * (-len(header_bytes) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(header_bytes)))
        f.write(header_bytes)
        for a in arrays.values():
            f.write(a.tobytes())
