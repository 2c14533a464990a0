"""What every PyTorch peer script shares: thread setup, timing, and the one JSON line it prints.

The peers are the shipped workloads written as a PyTorch user writes them, so `make bench` can
put PyTorch beside minidl in one table measured in the same run. end_to_end runs them as
children with OPENBLAS_NUM_THREADS / OPENBLAS_CORETYPE set; tests never need them.
"""
import argparse
import ctypes
import json
import resource
import time

import torch


def parse_args(description, repeat):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--threads", type=int, default=1, help="torch.set_num_threads")
    parser.add_argument("--repeat", type=int, default=repeat, help="timed runs; the best is reported")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    return args


def best_seconds(repeat, run):
    """The best of `repeat` timed calls of run(): the machine may be shared."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def blas_core():
    """The OpenBLAS kernels this process runs (torch's generic BLAS is the system OpenBLAS)."""
    try:
        lib = ctypes.CDLL("libopenblas.so.0")
        lib.openblas_get_corename.restype = ctypes.c_char_p
        return lib.openblas_get_corename().decode()
    except (OSError, AttributeError):
        return "unknown"


def report(workload, threads, seconds, samples, **extra):
    """Prints the one JSON line end_to_end reads."""
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(json.dumps({"workload": workload, "threads": threads, "train_seconds": seconds,
                      "samples_per_second": samples / seconds, "peak_mib": peak_mib,
                      "torch": torch.__version__, "blas_core": blas_core(), **extra}))


def randperm_batches(features, targets, batch_size, generator):
    """The hand-rolled loader: a fresh permutation per epoch, batches gathered by indexing."""
    order = torch.randperm(features.shape[0], generator=generator)
    for i in range(0, features.shape[0], batch_size):
        index = order[i:i + batch_size]
        yield features[index], targets[index]


def train_epoch(model, optimizer, loss_fn, batches):
    """One epoch of the usual PyTorch step; returns the mean batch loss."""
    total, steps = 0.0, 0
    for xb, yb in batches:
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(xb), yb)
        total += loss.item()
        loss.backward()
        optimizer.step()
        steps += 1
    return total / steps
