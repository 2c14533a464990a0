"""configs/lenet.yaml in PyTorch, as d2l's chapter 7.6 writes it: LeNet (sigmoid, average
pooling, Xavier uniform weights) on Fashion-MNIST, SGD lr 0.9, batch 256, one epoch of the 60000
training images with a hand-rolled randperm loader. lenet_bn.py runs configs/lenet_bn.yaml
(d2l 8.5: BatchNorm after every convolution and hidden Linear, no padding, lr 1.0) with main(bn=True).

The images are read from the Debian package dataset-fashion-mnist and divided by 255, as
torchvision's ToTensor does. Timed: the training loop only (minidl's train_seconds leaves
validation out); the best of `--repeat` epochs in one process.
"""
import gzip

import numpy
import torch
from torch import nn

import common

ROOT = "/usr/share/datasets/fashion-mnist"


def read_images(path):
    with gzip.open(path) as f:
        data = numpy.frombuffer(f.read(), dtype=numpy.uint8, offset=16)
    return torch.from_numpy(data.astype(numpy.float32) / 255.0).reshape(-1, 1, 28, 28)


def read_labels(path):
    with gzip.open(path) as f:
        return torch.from_numpy(numpy.frombuffer(f.read(), dtype=numpy.uint8, offset=8).astype(numpy.int64))


def lenet():
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.Sigmoid(), nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5), nn.Sigmoid(), nn.AvgPool2d(kernel_size=2, stride=2), nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120), nn.Sigmoid(), nn.Linear(120, 84), nn.Sigmoid(), nn.Linear(84, 10))


def lenet_bn():
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5), nn.BatchNorm2d(6), nn.Sigmoid(), nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5), nn.BatchNorm2d(16), nn.Sigmoid(), nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Flatten(), nn.Linear(256, 120), nn.BatchNorm1d(120), nn.Sigmoid(),
        nn.Linear(120, 84), nn.BatchNorm1d(84), nn.Sigmoid(), nn.Linear(84, 10))


def xavier(module):
    if isinstance(module, (nn.Linear, nn.Conv2d)):
        nn.init.xavier_uniform_(module.weight)


def main(bn=False):
    args = common.parse_args(__doc__, repeat=2)
    features = read_images(f"{ROOT}/train-images-idx3-ubyte.gz")
    targets = read_labels(f"{ROOT}/train-labels-idx1-ubyte.gz")
    torch.manual_seed(0)
    model = lenet_bn() if bn else lenet()
    model.apply(xavier)
    optimizer = torch.optim.SGD(model.parameters(), lr=1.0 if bn else 0.9)
    loss_fn = nn.CrossEntropyLoss()
    generator = torch.Generator().manual_seed(0)
    result = {}

    def epoch():
        batches = common.randperm_batches(features, targets, 256, generator)
        result["train_loss"] = common.train_epoch(model, optimizer, loss_fn, batches)

    seconds = common.best_seconds(args.repeat, epoch)
    common.report("lenet_bn" if bn else "lenet", args.threads, seconds, features.shape[0], **result)


if __name__ == "__main__":
    main()
