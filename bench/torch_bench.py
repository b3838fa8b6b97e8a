"""PyTorch side of `report bench --torch`: the same models, optimizer, batch
and thread count as the Swift engine, timed the same way, in each of PyTorch's
CPU configurations (eager NCHW, eager channels_last, torch.compile), so the
engine is compared with PyTorch as shipped and with PyTorch at its fastest.
Prints one JSON object per model and configuration; a configuration that does
not run here (torch.compile needs a C++ compiler) prints its error instead.

Usage: python3 bench/torch_bench.py --steps 100 --threads 2 --models model1,model2 \
           --configs eager,channels_last,compile
"""
import argparse
import json
import os
import resource
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_models import FORWARD_MACS, MODELS, load_mnist  # noqa: E402

CONFIGS = ("eager", "channels_last", "compile")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--models", default="model1,model2,model3")
    parser.add_argument("--data-dir", default="data/mnist")
    parser.add_argument("--configs", default=",".join(CONFIGS))
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    train_x, train_y, test_x, test_y = load_mnist(args.data_dir)
    for name in args.models.split(","):
        for config in args.configs.split(","):
            try:
                row = measure(name, config, args, train_x, train_y, test_x)
            except Exception as error:  # noqa: BLE001 -- any failure of a configuration is reported, not fatal
                row = {"model": name, "config": config, "error": f"{type(error).__name__}: {error}"[:300]}
            print(json.dumps(row), flush=True)


def measure(name, config, args, train_x, train_y, test_x):
    """Seconds per step of one model in one configuration, after 3 untimed
    warm-up steps (which include torch.compile's compilation)."""
    if config not in CONFIGS:
        raise ValueError(f"unknown configuration {config!r}; expected one of {', '.join(CONFIGS)}")
    torch.manual_seed(0)
    model = MODELS[name]()
    if config == "channels_last":
        model = model.to(memory_format=torch.channels_last)
        train_x = train_x.contiguous(memory_format=torch.channels_last)
        test_x = test_x.contiguous(memory_format=torch.channels_last)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    forward = torch.compile(model) if config == "compile" else model
    order = torch.randperm(train_x.shape[0])
    b = args.batch_size

    def step(i):
        idx = order[(i * b) % train_x.shape[0]:][:b]
        optimizer.zero_grad()
        loss = F.nll_loss(forward(train_x[idx]), train_y[idx])
        loss.backward()
        optimizer.step()

    for i in range(3):
        step(i)
    start = time.perf_counter()
    for i in range(args.steps):
        step(i)
    per_step = (time.perf_counter() - start) / args.steps
    with torch.no_grad():
        forward(test_x[:200])  # untimed: torch.compile compiles again for evaluation's batch and no_grad
    start = time.perf_counter()
    with torch.no_grad():
        for i in range(0, test_x.shape[0], 200):
            forward(test_x[i:i + 200])
    evaluation = time.perf_counter() - start
    flops = 2 * 3 * FORWARD_MACS[name] * b / per_step
    return {
        "model": name, "config": config, "torch": torch.__version__, "threads": args.threads,
        "seconds_per_step": per_step,
        "epoch_seconds": per_step * 600, "eval_seconds": evaluation,
        "samples_per_second": b / per_step, "gflops": flops / 1e9,
        "peak_memory_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }

if __name__ == "__main__":
    main()
