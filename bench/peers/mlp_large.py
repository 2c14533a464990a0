"""W3: configs/mlp_large.yaml in PyTorch: 784-256-128-10 MLP, Adam lr 1e-3, batch 128, one
epoch of 60000 synthetic samples (469 steps) with a hand-rolled randperm loader.

The epoch is timed `--repeat` times in one process and the best is reported (minidl's figure
is the best of three cold processes, so this favours PyTorch slightly).
"""
import torch
from torch import nn

import common


def main():
    args = common.parse_args(__doc__, repeat=3)
    generator = torch.Generator().manual_seed(0)
    features = torch.randn(60000, 784, generator=generator)
    targets = (features @ torch.randn(784, 10, generator=generator)).argmax(1)
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    result = {}

    def epoch():
        batches = common.randperm_batches(features, targets, 128, generator)
        result["train_loss"] = common.train_epoch(model, optimizer, loss_fn, batches)

    seconds = common.best_seconds(args.repeat, epoch)
    common.report("mlp_large", args.threads, seconds, features.shape[0], **result)


if __name__ == "__main__":
    main()
