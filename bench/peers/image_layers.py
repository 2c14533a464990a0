"""bench/conv_bench.cpp's image layers in PyTorch, forward + backward, to put beside its rows:
LeNet's two convolutions, the ResNet example's stem and 3x3 layers, NiN's 1x1 layers and two max
pools.

Run by hand, pinned to one core as conv_bench's threads=1 rows run:
    taskset -c 0 /usr/bin/python3 bench/peers/image_layers.py [--threads T] [--repeat R]
Each row is the best of R timings of 20 calls, in milliseconds a call. Not used by any test.
"""
import torch
from torch.nn import functional as F

import common

# As conv_bench's rows: N, C, HW, O, k, stride, padding, whether the input needs a gradient.
CONVOLUTIONS = [
    (256, 1, 28, 6, 5, 1, 2, False),
    (256, 6, 14, 16, 5, 1, 0, True),
    (256, 6, 12, 16, 5, 1, 0, True),
    (256, 1, 28, 16, 7, 2, 3, False),
    (256, 16, 7, 16, 3, 1, 1, True),
    (256, 16, 7, 32, 3, 2, 1, True),
    (256, 32, 4, 32, 3, 1, 1, True),
    (256, 64, 2, 64, 3, 1, 1, True),
    (128, 32, 28, 32, 1, 1, 0, True),
    (128, 64, 13, 64, 1, 1, 0, True),
]
# N, C, HW, k, stride, padding.
MAX_POOLS = [(256, 16, 14, 3, 2, 1), (256, 16, 14, 3, 1, 1)]


def milliseconds(repeat, step):
    step()
    return common.best_seconds(repeat, lambda: [step() for _ in range(20)]) / 20 * 1e3


def main():
    args = common.parse_args("conv_bench's image layers in PyTorch", repeat=5)
    torch.manual_seed(0)
    for n, c, hw, o, k, s, p, dx in CONVOLUTIONS:
        x = torch.randn(n, c, hw, hw, requires_grad=dx)
        w = torch.randn(o, c, k, k, requires_grad=True)
        b = torch.randn(o, requires_grad=True)
        g = torch.randn_like(F.conv2d(x, w, b, s, p))

        def step():
            x.grad = w.grad = b.grad = None
            F.conv2d(x, w, b, s, p).backward(g)

        print(f"Conv2dForwardBackward N:{n} C:{c} HW:{hw} O:{o} k:{k} s:{s} pad:{p} dx:{int(dx)} "
              f"threads:{args.threads}  {milliseconds(args.repeat, step):.2f} ms")
    for n, c, hw, k, s, p in MAX_POOLS:
        x = torch.randn(n, c, hw, hw, requires_grad=True)
        g = torch.randn_like(F.max_pool2d(x, k, s, p))

        def step():
            x.grad = None
            F.max_pool2d(x, k, s, p).backward(g)

        print(f"MaxPool2dForwardBackward N:{n} C:{c} HW:{hw} k:{k} s:{s} pad:{p} "
              f"threads:{args.threads}  {milliseconds(args.repeat, step):.2f} ms")


if __name__ == "__main__":
    main()
