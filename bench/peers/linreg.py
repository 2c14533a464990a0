"""W1: d2l's linear regression from scratch, the Python loop as the book writes it.

Same problem as configs/linreg.yaml: y = Xw + b + noise, w = [2, -3.4], b = 4.2, 1000 samples,
batch 10, SGD lr 0.03, 3 epochs (300 steps), with the book's per-epoch loss over all data.
"""
import random

import torch

import common


def synthetic_data(w, b, num_examples):
    X = torch.normal(0, 1, (num_examples, len(w)))
    y = torch.matmul(X, w) + b
    y += torch.normal(0, 0.01, y.shape)
    return X, y.reshape((-1, 1))


def data_iter(batch_size, features, labels):
    indices = list(range(len(features)))
    random.shuffle(indices)
    for i in range(0, len(features), batch_size):
        batch_indices = torch.tensor(indices[i:min(i + batch_size, len(features))])
        yield features[batch_indices], labels[batch_indices]


def linreg(X, w, b):
    return torch.matmul(X, w) + b


def squared_loss(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def sgd(params, lr, batch_size):
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()


def main():
    args = common.parse_args(__doc__, repeat=5)
    torch.manual_seed(42)
    random.seed(42)
    features, labels = synthetic_data(torch.tensor([2, -3.4]), 4.2, 1000)
    batch_size, lr, epochs = 10, 0.03, 3
    result = {}

    def train():
        w = torch.normal(0, 0.01, size=(2, 1), requires_grad=True)
        b = torch.zeros(1, requires_grad=True)
        for _ in range(epochs):
            for X, y in data_iter(batch_size, features, labels):
                loss = squared_loss(linreg(X, w, b), y)
                loss.sum().backward()
                sgd([w, b], lr, batch_size)
            with torch.no_grad():
                result["loss"] = float(squared_loss(linreg(features, w, b), labels).mean())
        result["w_error"] = float((w.detach().reshape(-1) - torch.tensor([2, -3.4])).abs().max())

    seconds = common.best_seconds(args.repeat, train)
    common.report("linreg", args.threads, seconds, epochs * len(features), **result)


if __name__ == "__main__":
    main()
