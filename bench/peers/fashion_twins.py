"""The PyTorch twins of the five Fashion-MNIST configs, for the accuracy comparison in the README:

    python3 bench/peers/fashion_twins.py MODEL SEED

trains MODEL (fashion_softmax, fashion_mlp, fashion_dropout, lenet or lenet_bn) for 10 epochs with the config's
hyper-parameters (SGD, batch 256, a randperm loader seeded with SEED, torch.manual_seed(SEED))
and prints its test accuracy. Softmax regression draws its weights from N(0, 0.01^2) as d2l and
the config do; the MLPs keep PyTorch's default init, as the configs keep minidl's (the same).
Minutes per run at one thread; not run by `make bench` or the tests.
"""
import sys

import torch
from torch import nn

import common
import lenet


def model_for(name):
    if name == "fashion_softmax":
        net = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
        nn.init.normal_(net[1].weight, std=0.01)
        return net, 0.1
    if name == "fashion_mlp":
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10)), 0.1
    if name == "fashion_dropout":
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Dropout(0.2), nn.Linear(256, 256),
                             nn.ReLU(), nn.Dropout(0.5), nn.Linear(256, 10)), 0.5
    net = lenet.lenet_bn() if name == "lenet_bn" else lenet.lenet()
    net.apply(lenet.xavier)
    return net, 1.0 if name == "lenet_bn" else 0.9


def main():
    name, seed = sys.argv[1], int(sys.argv[2])
    torch.set_num_threads(1)
    root = lenet.ROOT
    x = lenet.read_images(f"{root}/train-images-idx3-ubyte.gz")
    y = lenet.read_labels(f"{root}/train-labels-idx1-ubyte.gz")
    x_test = lenet.read_images(f"{root}/t10k-images-idx3-ubyte.gz")
    y_test = lenet.read_labels(f"{root}/t10k-labels-idx1-ubyte.gz")
    torch.manual_seed(seed)
    net, lr = model_for(name)
    optimizer = torch.optim.SGD(net.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    generator = torch.Generator().manual_seed(seed)
    for _ in range(10):
        net.train()
        common.train_epoch(net, optimizer, loss_fn, common.randperm_batches(x, y, 256, generator))
    net.eval()
    with torch.no_grad():
        accuracy = (net(x_test).argmax(1) == y_test).float().mean().item()
    print(f"{name} seed {seed}: test accuracy {accuracy:.4f}")


if __name__ == "__main__":
    main()
