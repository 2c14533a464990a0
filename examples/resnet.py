# examples/resnet.cpp in PyTorch 1.13 (Debian's python3-torch), to compare figures side by side:
# the same model, hyper-parameters and data, PyTorch's own initialisation and random numbers.
# Run by hand: /usr/bin/python3 examples/resnet.py [EPOCHS [TRAIN_IMAGES]]. Not used by any test.
import gzip
import sys
import time

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

ROOT = "/usr/share/datasets/fashion-mnist/"


class Residual(nn.Module):
    def __init__(self, in_channels, channels, use_1x1conv, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, channels, kernel_size=3, padding=1, stride=stride)
        self.conv2 = nn.Conv2d(channels, channels, kernel_size=3, padding=1)
        self.conv3 = nn.Conv2d(in_channels, channels, kernel_size=1, stride=stride) if use_1x1conv else None
        self.bn1 = nn.BatchNorm2d(channels)
        self.bn2 = nn.BatchNorm2d(channels)

    def forward(self, x):
        y = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
        return F.relu(y + (self.conv3(x) if self.conv3 else x))


def resnet_block(in_channels, channels, blocks, first_stage):
    return nn.Sequential(*[Residual(in_channels, channels, True, 2) if i == 0 and not first_stage
                           else Residual(channels, channels, False, 1) for i in range(blocks)])


def images(name):
    return torch.tensor(np.frombuffer(gzip.open(ROOT + name).read(), np.uint8, offset=16).reshape(-1, 1, 28, 28),
                        dtype=torch.float32) / 255


def labels(name):
    return torch.tensor(np.frombuffer(gzip.open(ROOT + name).read(), np.uint8, offset=8), dtype=torch.int64)


epochs = int(sys.argv[1]) if len(sys.argv) > 1 else 10
train_images = int(sys.argv[2]) if len(sys.argv) > 2 else 60000
X, y = images("train-images-idx3-ubyte.gz")[:train_images], labels("train-labels-idx1-ubyte.gz")[:train_images]
Xt, yt = images("t10k-images-idx3-ubyte.gz"), labels("t10k-labels-idx1-ubyte.gz")
torch.manual_seed(0)
net = nn.Sequential(nn.Conv2d(1, 16, kernel_size=7, stride=2, padding=3), nn.BatchNorm2d(16), nn.ReLU(),
                    nn.MaxPool2d(kernel_size=3, stride=2, padding=1), resnet_block(16, 16, 2, True),
                    resnet_block(16, 32, 2, False), resnet_block(32, 64, 2, False), nn.AdaptiveAvgPool2d(1),
                    nn.Flatten(), nn.Linear(64, 10))
optimizer = torch.optim.SGD(net.parameters(), lr=0.05)
for epoch in range(1, epochs + 1):
    start = time.perf_counter()
    losses = []
    for batch in torch.randperm(len(X)).split(256):
        optimizer.zero_grad()
        loss = F.cross_entropy(net(X[batch]), y[batch])
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    seconds = time.perf_counter() - start
    net.eval()
    with torch.no_grad():
        correct = sum((net(Xt[i:i + 1000]).argmax(1) == yt[i:i + 1000]).sum().item() for i in range(0, len(Xt), 1000))
    net.train()
    print(f"epoch {epoch}, train loss {sum(losses) / len(losses):.4f}, test accuracy {correct / len(Xt):.4f}, "
          f"{seconds:.2f} s")
