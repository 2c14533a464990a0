"""BatchNorm-LeNet in PyTorch and minidl from the same weights in the same batch order, to tell a
difference in the frameworks from a difference in luck (initial weights, shuffle order):

    python3 bench/peers/lenet_bn_lockstep.py init DIR        # DIR/init.safetensors and DIR/lenet_bn.yaml
    build/bin/minidl train DIR/lenet_bn.yaml train.epochs=3 output=DIR/run
    python3 bench/peers/lenet_bn_lockstep.py compare DIR 3   # PyTorch's 3 epochs beside minidl's

`init` draws d2l's initial weights with PyTorch (seed 0) and writes a config that loads them
(`init_from`) and reads the training set in order (`shuffle: false`); `compare` trains PyTorch the
same way, prints its loss and test accuracy per epoch (minidl's are in DIR/run/metrics.csv) and
the largest relative difference of some running statistics and weights after the last epoch.
Not run by `make bench` or the tests.
"""

import json
import os
import struct
import sys

import torch
from torch import nn

import common
import lenet


def save_safetensors(state, path):
    header, offset, blobs = {}, 0, []
    for name, tensor in state.items():
        dtype = {torch.float32: ("F32", "f"), torch.int64: ("I64", "q")}[tensor.dtype]
        blob = struct.pack(f"<{tensor.numel()}{dtype[1]}", *tensor.flatten().tolist())
        header[name] = {"dtype": dtype[0], "shape": list(tensor.shape), "data_offsets": [offset, offset + len(blob)]}
        offset += len(blob)
        blobs.append(blob)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def load_safetensors(path):
    data = open(path, "rb").read()
    size = struct.unpack("<Q", data[:8])[0]
    out = {}
    for name, entry in json.loads(data[8:8 + size]).items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        dtype = {"F32": torch.float32, "I64": torch.int64}[entry["dtype"]]
        out[name] = torch.frombuffer(bytearray(data[8 + size + begin:8 + size + end]), dtype=dtype).reshape(entry["shape"])
    return out


def write_config(directory):
    here = os.path.dirname(os.path.abspath(__file__))
    config = open(os.path.join(here, "..", "..", "configs", "lenet_bn.yaml")).read()
    layers = config[config.index("model:\n") + len("model:\n"):config.index("loss:")]
    config = config.replace("model:\n" + layers, "model:\n  init_from: " + os.path.join(directory, "init.safetensors") +
                            "\n  layers:\n" + "".join("  " + line + "\n" for line in layers.splitlines()))
    config = config.replace("  batch_size: 256\n", "  batch_size: 256\n  shuffle: false\n")
    open(os.path.join(directory, "lenet_bn.yaml"), "w").write(config)


def main():
    command, directory = sys.argv[1], os.path.abspath(sys.argv[2])
    torch.set_num_threads(1)
    torch.manual_seed(0)
    net = lenet.lenet_bn()
    net.apply(lenet.xavier)
    if command == "init":
        os.makedirs(directory, exist_ok=True)
        save_safetensors(net.state_dict(), os.path.join(directory, "init.safetensors"))
        write_config(directory)
        return
    epochs = int(sys.argv[3])
    net.load_state_dict(load_safetensors(os.path.join(directory, "init.safetensors")))
    x = lenet.read_images(f"{lenet.ROOT}/train-images-idx3-ubyte.gz")
    y = lenet.read_labels(f"{lenet.ROOT}/train-labels-idx1-ubyte.gz")
    x_test = lenet.read_images(f"{lenet.ROOT}/t10k-images-idx3-ubyte.gz")
    y_test = lenet.read_labels(f"{lenet.ROOT}/t10k-labels-idx1-ubyte.gz")
    optimizer = torch.optim.SGD(net.parameters(), lr=1.0)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(1, epochs + 1):
        net.train()
        batches = ((x[i:i + 256], y[i:i + 256]) for i in range(0, x.shape[0], 256))
        loss = common.train_epoch(net, optimizer, loss_fn, batches)
        net.eval()
        with torch.no_grad():
            accuracy = (net(x_test).argmax(1) == y_test).float().mean().item()
        print(f"PyTorch epoch {epoch}: train_loss {loss:.6f}, test accuracy {accuracy:.4f}")
    ours = load_safetensors(os.path.join(directory, "run", "model.safetensors"))
    for name in ["1.running_mean", "1.running_var", "5.running_var", "10.running_var", "13.running_var", "0.weight", "15.bias"]:
        a, b = net.state_dict()[name].flatten(), ours[name].flatten()
        print(f"{name}: largest relative difference {((a - b).abs() / (a.abs() + 1e-6)).max().item():.2g}")


if __name__ == "__main__":
    main()
