#!/usr/bin/env python3
"""Reference fixtures for the SafeTensors Swift module (dev-only; outputs are committed).

    /tmp/refvenv/bin/python scripts/reference/make_safetensors_fixtures.py            # (re)write fixtures
    /tmp/refvenv/bin/python scripts/reference/make_safetensors_fixtures.py verify F E # check a Swift-written file

Files are written by the `safetensors` package (single files) and by `huggingface_hub.save_torch_state_dict`
(the sharded checkpoint, the same code path transformers' save_pretrained uses). Next to each, an
`*.expected.json` lists every tensor's dtype, shape, data_offsets and its elements as unsigned integer bit
patterns of the dtype's width, taken from the in-memory torch tensor (not from the written file).
Re-running it may reorder the __metadata__ keys inside the files (the Rust writer uses a hash map);
the tensors and values are reproducible (fixed seed).
"""
import json
import struct
import sys
from pathlib import Path

import torch
from huggingface_hub import save_torch_state_dict
from safetensors import safe_open
from safetensors.torch import save_file

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "Tests" / "Fixtures" / "safetensors"

DTYPE_NAMES = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.int64: "I64"}
# Same-width integer views used to read bit patterns; made unsigned below.
BIT_VIEWS = {torch.float32: (torch.int32, 32), torch.float16: (torch.int16, 16),
             torch.bfloat16: (torch.int16, 16), torch.int64: (torch.int64, 64)}


def bit_patterns(tensor):
    view, width = BIT_VIEWS[tensor.dtype]
    return [int(v) % (1 << width) for v in tensor.contiguous().view(view).flatten().tolist()]


def header_offsets(path):
    """data_offsets as Python's json module reads them from the written header."""
    raw = path.read_bytes()
    (length,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + length])
    return {name: entry["data_offsets"] for name, entry in header.items() if name != "__metadata__"}


def expectation(path, tensors, metadata):
    offsets = header_offsets(path)
    entries = [{"name": name, "dtype": DTYPE_NAMES[t.dtype], "shape": list(t.shape),
                "data_offsets": offsets[name], "bits": bit_patterns(t)} for name, t in tensors.items()]
    entries.sort(key=lambda e: (e["data_offsets"], e["name"]))
    return {"metadata": metadata, "tensors": entries}


def special_floats(dtype):
    return torch.tensor([0.0, -0.0, 1.0, -2.5, float("inf"), float("-inf"), float("nan"), 1e-40, 65504.0],
                        dtype=torch.float32).to(dtype)


def single_file_fixtures(generator):
    cases = {
        "f32": torch.float32,
        "f16": torch.float16,
        "bf16": torch.bfloat16,
    }
    for stem, dtype in cases.items():
        tensors = {
            "layers.0.weight": torch.randn(4, 5, generator=generator).to(dtype),
            "layers.0.bias": torch.randn(5, generator=generator).to(dtype),
            "scale": torch.randn((), generator=generator).to(dtype),
            "empty": torch.zeros(2, 0, dtype=dtype),
            "special": special_floats(dtype),
        }
        write_single(stem, tensors, {"format": "pt", "dtype": DTYPE_NAMES[dtype], "note": "héllo \"quoted\""})
    tensors = {
        "ids": torch.randint(-2**63, 2**63 - 1, (3, 4), generator=generator, dtype=torch.int64),
        "positions": torch.arange(7, dtype=torch.int64),
        "extremes": torch.tensor([-2**63, 2**63 - 1, -1, 0], dtype=torch.int64),
    }
    write_single("i64", tensors, {"format": "pt", "dtype": "I64"})


def write_single(stem, tensors, metadata):
    path = OUT / f"{stem}.safetensors"
    save_file(tensors, str(path), metadata=metadata)
    path.chmod(0o644)  # safetensors creates files 0600
    write_json(OUT / f"{stem}.expected.json", expectation(path, tensors, metadata))


def sharded_fixture(generator):
    folder = OUT / "sharded"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    tensors = {f"model.layers.{i}.{kind}": torch.randn(8, 8, generator=generator)
               for i in range(3) for kind in ("weight", "proj")}
    tensors["model.norm.weight"] = torch.randn(8, generator=generator)
    metadata = {"format": "pt"}
    save_torch_state_dict(tensors, folder, max_shard_size=1000, metadata=metadata)
    for written in folder.iterdir():
        written.chmod(0o644)
    index = json.loads((folder / "model.safetensors.index.json").read_text())
    shards = sorted(set(index["weight_map"].values()))
    assert shards == ["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"], shards
    expected = {"metadata": metadata, "shards": {}}
    for shard in shards:
        names = {n: tensors[n] for n, s in index["weight_map"].items() if s == shard}
        expected["shards"][shard] = expectation(folder / shard, names, metadata)
    write_json(folder / "expected.json", expected)


def write_json(path, value):
    path.write_text(json.dumps(value, indent=1, ensure_ascii=False) + "\n")


def verify(file, expected_path):
    """Checks a file written by the Swift writer with the Python reader."""
    expected = json.loads(Path(expected_path).read_text())
    width = {"F32": 32, "F16": 16, "BF16": 16, "I64": 64, "F64": 64, "I32": 32, "I16": 16, "I8": 8, "U8": 8}
    READ_DTYPES = {"F64": torch.float64, "F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16,
                   "I64": torch.int64, "I32": torch.int32, "I16": torch.int16, "I8": torch.int8, "U8": torch.uint8}
    views = {"F32": torch.int32, "F16": torch.int16, "BF16": torch.int16, "I64": torch.int64,
             "F64": torch.int64, "I32": torch.int32, "I16": torch.int16, "I8": torch.int8, "U8": torch.uint8}
    with safe_open(file, "pt") as f:
        assert (f.metadata() or {}) == expected["metadata"], (f.metadata(), expected["metadata"])
        assert sorted(f.keys()) == sorted(e["name"] for e in expected["tensors"])
        for entry in expected["tensors"]:
            t = f.get_tensor(entry["name"])
            assert list(t.shape) == entry["shape"], entry["name"]
            assert READ_DTYPES[entry["dtype"]] == t.dtype, entry["name"]
            bits = [int(v) % (1 << width[entry["dtype"]])
                    for v in t.contiguous().view(views[entry["dtype"]]).flatten().tolist()]
            assert bits == entry["bits"], entry["name"]
    print(f"verified {len(expected['tensors'])} tensors of {file} with safetensors (Python)")


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "verify":
        verify(sys.argv[2], sys.argv[3])
        return
    OUT.mkdir(parents=True, exist_ok=True)
    generator = torch.Generator().manual_seed(20240611)
    single_file_fixtures(generator)
    sharded_fixture(generator)
    print(f"wrote fixtures to {OUT}")


if __name__ == "__main__":
    main()
