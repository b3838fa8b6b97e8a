"""Loads a run's weights into the PyTorch reference models and measures their
test accuracy, to compare with the run's own metrics. The run's manifest names
its units; each unit's folder (runs/units/<unit id>) holds its weights.

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
    with open(os.path.join(args.run, "manifest.json")) as f:
        units = json.load(f)["units"]
    units_dir = os.path.join(os.path.dirname(os.path.normpath(args.run)), "units")
    for unit in units:
        folder = os.path.join(units_dir, unit["unit_id"])
        weights = os.path.join(folder, "weights.safetensors")
        if not os.path.exists(weights):
            sys.exit(f"{weights}: missing (a light copy keeps no weights; check a run in runs/)")
        model = MODELS[unit["model"]]()
        model.load_state_dict(load_file(weights))
        model.eval()
        with torch.no_grad():
            correct = sum((model(test_x[i:i + 1000]).argmax(1) == test_y[i:i + 1000]).sum().item()
                          for i in range(0, test_x.shape[0], 1000))
        with open(os.path.join(folder, "metrics.json")) as f:
            ours = json.load(f)[-1]["test_accuracy"]
        print(f"{unit['model']} seed {unit['seed']}: PyTorch {correct / test_x.shape[0]:.4f}, run's metrics {ours:.4f}")

if __name__ == "__main__":
    main()
