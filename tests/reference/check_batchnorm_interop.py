#!/usr/bin/env python3
"""By hand, with Debian's python3-torch (tests never need it): BatchNorm-LeNet weights move
both ways between minidl and PyTorch.

  minidl -> PyTorch:
    build/bin/minidl train configs/lenet_bn.yaml train.epochs=1 output=/tmp/lenetbn1
    /usr/bin/python3 tests/reference/check_batchnorm_interop.py load /tmp/lenetbn1/model.safetensors
  (loads strictly into nn.Sequential and prints PyTorch's eval-mode test accuracy with those
  weights, to compare with the run's val_accuracy)

  PyTorch -> minidl:
    /usr/bin/python3 tests/reference/check_batchnorm_interop.py save /tmp/torch_bn.safetensors
  then train configs/lenet_bn.yaml with model: {init_from: /tmp/torch_bn.safetensors, layers: [...]}
"""
import gzip, json, struct, sys

import numpy as np
import torch
import torch.nn as nn

ROOT = "/usr/share/datasets/fashion-mnist/"


def lenet_bn():
    return nn.Sequential(
        nn.Conv2d(1, 6, 5), nn.BatchNorm2d(6), nn.Sigmoid(), nn.AvgPool2d(2, 2),
        nn.Conv2d(6, 16, 5), nn.BatchNorm2d(16), nn.Sigmoid(), nn.AvgPool2d(2, 2), nn.Flatten(),
        nn.Linear(256, 120), nn.BatchNorm1d(120), nn.Sigmoid(),
        nn.Linear(120, 84), nn.BatchNorm1d(84), nn.Sigmoid(), nn.Linear(84, 10))


def load_safetensors(path):
    raw = open(path, "rb").read()
    n = struct.unpack("<Q", raw[:8])[0]
    header, data = json.loads(raw[8:8 + n]), raw[8 + n:]
    out = {}
    for name, v in header.items():
        if name == "__metadata__":
            continue
        dtype = {"F32": torch.float32, "I64": torch.int64}[v["dtype"]]
        b, e = v["data_offsets"]
        out[name] = torch.frombuffer(bytearray(data[b:e]), dtype=dtype).reshape(v["shape"])
    return out


def save_safetensors(path, state):
    header, blobs, offset = {}, [], 0
    for name, t in state.items():
        b = t.contiguous().numpy().tobytes()
        header[name] = {"dtype": {torch.float32: "F32", torch.int64: "I64"}[t.dtype],
                        "shape": list(t.shape), "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    open(path, "wb").write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def main():
    mode, path = sys.argv[1], sys.argv[2]
    net = lenet_bn()
    if mode == "save":
        torch.manual_seed(0)
        net(torch.randn(8, 1, 28, 28))  # training mode: running statistics move, num_batches_tracked = 1
        save_safetensors(path, net.state_dict())
        return
    print(net.load_state_dict(load_safetensors(path), strict=True))
    images = np.frombuffer(gzip.open(ROOT + "t10k-images-idx3-ubyte.gz").read()[16:], dtype=np.uint8)
    labels = np.frombuffer(gzip.open(ROOT + "t10k-labels-idx1-ubyte.gz").read()[8:], dtype=np.uint8)
    net.eval()
    with torch.no_grad():
        out = net(torch.tensor(images.reshape(-1, 1, 28, 28), dtype=torch.float32) / 255)
    print("PyTorch test accuracy with these weights:", (out.argmax(1).numpy() == labels).mean())


if __name__ == "__main__":
    main()
