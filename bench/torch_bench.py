"""PyTorch side of `report bench --torch`: the same models, optimizer, batch
and thread count as the Swift engine, timed the same way. Prints one JSON
object per model.

Usage: python3 bench/torch_bench.py --steps 100 --threads 2 --models model1,model2
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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--models", default="model1,model2,model3")
    parser.add_argument("--data-dir", default="data/mnist")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    train_x, train_y, test_x, test_y = load_mnist(args.data_dir)
    for name in args.models.split(","):
        model = MODELS[name]()
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
        order = torch.randperm(train_x.shape[0])
        b = args.batch_size

        def step(i):
            idx = order[(i * b) % train_x.shape[0]:][:b]
            optimizer.zero_grad()
            loss = F.nll_loss(model(train_x[idx]), train_y[idx])
            loss.backward()
            optimizer.step()

        for i in range(3):  # warm-up, not timed
            step(i)
        start = time.perf_counter()
        for i in range(args.steps):
            step(i)
        per_step = (time.perf_counter() - start) / args.steps
        start = time.perf_counter()
        with torch.no_grad():
            for i in range(0, test_x.shape[0], 200):
                model(test_x[i:i + 200])
        evaluation = time.perf_counter() - start
        flops = 2 * 3 * FORWARD_MACS[name] * b / per_step
        print(json.dumps({
            "model": name, "threads": args.threads, "seconds_per_step": per_step,
            "epoch_seconds": per_step * 600, "eval_seconds": evaluation,
            "samples_per_second": b / per_step, "gflops": flops / 1e9,
            "peak_memory_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }), flush=True)


if __name__ == "__main__":
    main()
