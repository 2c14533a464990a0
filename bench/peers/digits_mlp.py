"""W2: configs/digits_mlp.yaml in PyTorch with a hand-rolled randperm loader.

64-128-10 MLP, Adam lr 1e-3, batch 32, 20 epochs on the 1437 training rows of the digits CSV
(a seeded 20% held out, like the config), pixels scaled by 1/16. Timed: the training loop
only (minidl's train_seconds also leaves validation out).
"""
import csv
import os

import torch
from torch import nn

import common


def load_digits(path):
    with open(path) as f:
        rows = list(csv.reader(f))
    target = rows[0].index("target")
    data = torch.tensor([[float(v) for v in row] for row in rows[1:]])
    features = torch.cat([data[:, :target], data[:, target + 1:]], dim=1) * 0.0625
    return features, data[:, target].long()


def main():
    args = common.parse_args(__doc__, repeat=3)
    here = os.path.dirname(os.path.abspath(__file__))
    features, targets = load_digits(os.path.join(here, "..", "..", "examples", "datasets", "digits.csv"))
    generator = torch.Generator().manual_seed(0)
    order = torch.randperm(features.shape[0], generator=generator)
    n_val = -(-features.shape[0] * 2 // 10)  # ceil(20%), as minidl's split
    train_x, train_y = features[order[n_val:]], targets[order[n_val:]]
    val_x, val_y = features[order[:n_val]], targets[order[:n_val]]
    epochs = 20
    result = {}

    def train():
        torch.manual_seed(0)
        model = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
        loss_fn = nn.CrossEntropyLoss()
        for _ in range(epochs):
            common.train_epoch(model, optimizer, loss_fn, common.randperm_batches(train_x, train_y, 32, generator))
        result["model"] = model

    seconds = common.best_seconds(args.repeat, train)
    with torch.no_grad():
        accuracy = (result["model"](val_x).argmax(1) == val_y).float().mean().item()
    common.report("digits_mlp", args.threads, seconds, epochs * train_x.shape[0], val_accuracy=accuracy)


if __name__ == "__main__":
    main()
