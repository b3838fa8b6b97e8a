"""Loads a run's weights into the PyTorch reference models and measures their
test accuracy, to compare with the run's own metrics.

Usage: python3 bench/check_safetensors.py runs/<run id> [--data-dir data/mnist]
"""
import argparse
import json
import os
import sys

import torch
from safetensors.torch import load_file

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_models import MODELS, load_mnist  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("run")
    parser.add_argument("--data-dir", default="data/mnist")
    args = parser.parse_args()
    _, _, test_x, test_y = load_mnist(args.data_dir)
    for name, cls in MODELS.items():
        weights = os.path.join(args.run, name, "weights.safetensors")
        if not os.path.exists(weights):
            continue
        model = cls()
        model.load_state_dict(load_file(weights))
        model.eval()
        with torch.no_grad():
            correct = sum((model(test_x[i:i + 1000]).argmax(1) == test_y[i:i + 1000]).sum().item()
                          for i in range(0, test_x.shape[0], 1000))
        with open(os.path.join(args.run, name, "metrics.json")) as f:
            ours = json.load(f)[-1]["test_accuracy"]
        print(f"{name}: PyTorch {correct / test_x.shape[0]:.4f}, run's metrics {ours:.4f}")


if __name__ == "__main__":
    main()
