#!/usr/bin/env python3
"""Writes the reference for training from PyTorch's initial weights (init_from).

Run once, from the repository root, with PyTorch 1.13 (python3-torch):
    python3 tests/reference/make_init_from_reference.py
It trains the 64-128-10 MLP whose PyTorch initialisation is in
mlp_64_128_10_torch_init.safetensors on every row of examples/datasets/digits.csv (pixels times
0.0625), full batch, in file order, with plain SGD and mean cross-entropy, and writes
  init_from_sgd_digits.yaml                 the loss before each step (= each epoch)
  init_from_sgd_digits_final.safetensors    the weights after the last step
The C++ test (tests/experiment/init_from_test.cpp) trains the same model from the same file
through a config with `model: {layers: [...], init_from: ...}` and compares; it needs no PyTorch.

The hidden activation is tanh, not ReLU: with ReLU, one pre-activation came within 1.5e-8 of zero
at step 17, below the GEMM's float32 rounding, so whether that unit fired depended on the order
of the BLAS kernel's sums, and a run whose kernels summed otherwise (OpenBLAS's Cooperlake ones
on an Intel Xeon) left the trajectory there by 3e-5. tanh's gradient has no such edge.
"""
import csv
import json
import struct
from pathlib import Path

import torch

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
INIT = HERE / "mlp_64_128_10_torch_init.safetensors"
DATA = ROOT / "examples" / "datasets" / "digits.csv"
LR = 0.5
STEPS = 30
SCALE = 0.0625


def read_safetensors(path):
    raw = path.read_bytes()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    body = raw[8 + n:]
    out = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        assert entry["dtype"] == "F32", entry
        begin, end = entry["data_offsets"]
        values = torch.frombuffer(bytearray(body[begin:end]), dtype=torch.float32)
        out[name] = values.reshape(entry["shape"]).clone()
    return out


def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name in sorted(tensors):
        data = tensors[name].detach().contiguous().to(torch.float32).numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensors[name].shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    path.write_bytes(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def main():
    torch.set_num_threads(1)
    with DATA.open() as f:
        rows = list(csv.reader(f))
    names = rows[0]
    target = names.index("target")
    features = [[float(v) for i, v in enumerate(r) if i != target] for r in rows[1:]]
    x = torch.tensor(features, dtype=torch.float32) * SCALE  # float32 product, as minidl scales
    y = torch.tensor([int(float(r[target])) for r in rows[1:]], dtype=torch.int64)

    model = torch.nn.Sequential(torch.nn.Linear(64, 128), torch.nn.Tanh(), torch.nn.Linear(128, 10))
    model.load_state_dict(read_safetensors(INIT))
    optimizer = torch.optim.SGD(model.parameters(), lr=LR)
    losses = []
    for _ in range(STEPS):
        optimizer.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(x), y)
        losses.append(loss.item())
        loss.backward()
        optimizer.step()

    write_safetensors(HERE / "init_from_sgd_digits_final.safetensors", model.state_dict())
    lines = [
        "# Written by make_init_from_reference.py (PyTorch %s): do not edit." % torch.__version__,
        "format: minidl-init-from-reference/1",
        "init_from: tests/reference/mlp_64_128_10_torch_init.safetensors",
        "data: examples/datasets/digits.csv  # every row, in file order, full batch",
        "scale: %r" % SCALE,
        "model: [linear 64->128, tanh, linear 128->10]",
        "loss: cross_entropy  # mean",
        "optimizer: {type: sgd, lr: %r}" % LR,
        "samples: %d" % len(y),
        "steps: %d" % STEPS,
        "final_weights: tests/reference/init_from_sgd_digits_final.safetensors",
        "# losses[s]: the float32 loss computed before step s, written with 9 significant digits",
        "losses: [%s]" % ", ".join("%.9g" % v for v in losses),
    ]
    (HERE / "init_from_sgd_digits.yaml").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
