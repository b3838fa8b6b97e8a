"""Writes Tests/EngineTests/Fixtures/torch_parity.json: what PyTorch computes
for each homework model from weights and inputs that both sides generate from
the same integer formula, so the fixture stays small and the Swift tests never
need Python.

For each model: the logits and mean NLL loss of an 8-image batch, every
parameter gradient (its sum, sum of absolute values, and 8 sampled entries),
and the same summary of every parameter after 3 Adam steps on that batch
(torch.optim.Adam, lr 1e-3, betas 0.9/0.999, eps 1e-8).

Three Adam steps amplify tiny gradient differences: an entry whose gradient
is near zero, or changes sign between steps, moves by up to lr = 1e-3 on a
rounding error. So for each sampled parameter the fixture also records its
`spread`: how far it moves, in float64, when every gradient entry of every
step is perturbed by up to 1e-6 of its tensor's largest entry (float32
rounding of a sum of a few hundred terms), over 8 perturbed runs. An engine
that computes the same thing with other rounding may differ by that much.

Run once with PyTorch 2.13 CPU:  python3 bench/make_parity_fixture.py
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_models import MODELS  # noqa: E402

BATCH = 8


def unit(count, salt):
    """Exact float32 values in [-1, 1): 24 bits of a multiplicative hash."""
    i = np.arange(count, dtype=np.uint64)
    h = ((i + 1) * np.uint64(2654435761) + np.uint64(salt) * np.uint64(40503)) % np.uint64(2**32)
    u = (h >> np.uint64(8)).astype(np.float32) / np.float32(2**24)
    return np.float32(2) * u - np.float32(1)


def summary(t):
    flat = t.detach().flatten().double()
    picks = [int(k * flat.numel() / 8) for k in range(8)]
    return {"sum": flat.sum().item(), "abs_sum": flat.abs().sum().item(), "indices": picks,
            "values": [flat[p].item() for p in picks]}


def build(name, dtype=torch.float32):
    torch.manual_seed(0)
    model = MODELS[name]().to(dtype)
    with torch.no_grad():
        for index, (key, p) in enumerate(model.state_dict().items()):
            fan_in = int(np.prod(p.shape[1:])) if p.dim() > 1 else None
            if fan_in is None:  # a bias: fan_in of its weight
                fan_in = int(np.prod(list(model.state_dict().values())[index - 1].shape[1:]))
            bound = np.float32(1) / np.sqrt(np.float32(fan_in))
            p.copy_(torch.from_numpy(unit(p.numel(), index) * bound).reshape(p.shape))
    return model


def adam_steps(name, images, labels, dtype=torch.float32, noise=None):
    """The model after 3 Adam steps on the batch; `noise` (a generator) perturbs every gradient."""
    model = build(name, dtype)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
    for _ in range(3):
        optimizer.zero_grad()
        F.nll_loss(model(images.to(dtype)), labels).backward()
        if noise is not None:
            for p in model.parameters():
                u = torch.rand(p.grad.shape, generator=noise, dtype=dtype) * 2 - 1
                p.grad.add_(u * 1e-6 * p.grad.abs().max())
        optimizer.step()
    return model


def spread(name, images, labels):
    """For each parameter tensor, the largest move of each sampled entry over 8 perturbed float64 runs."""
    exact = dict(adam_steps(name, images, labels, torch.float64).named_parameters())
    noise = torch.Generator().manual_seed(0)
    moved = {k: torch.zeros_like(p) for k, p in exact.items()}
    for _ in range(8):
        for k, p in adam_steps(name, images, labels, torch.float64, noise).named_parameters():
            moved[k] = torch.maximum(moved[k], (p - exact[k]).abs())
    return {k: [m.detach().flatten()[i].item() for i in summary(m)["indices"]] for k, m in moved.items()}


def main():
    images = torch.from_numpy(unit(BATCH * 784, 1000) * np.float32(2)).reshape(BATCH, 1, 28, 28)
    labels = torch.arange(BATCH) % 10
    fixture = {"batch": BATCH, "torch": torch.__version__, "models": {}}
    for name in MODELS:
        model = build(name)
        logits = model(images)  # log-softmax output; our logits differ by a per-row constant
        loss = F.nll_loss(logits, labels)
        loss.backward()
        entry = {
            "log_probabilities": logits.detach().flatten().tolist(),
            "loss": loss.item(),
            "gradients": {k: summary(p.grad) for k, p in model.named_parameters()},
        }
        model = adam_steps(name, images, labels)
        moves = spread(name, images, labels)
        entry["after_3_adam_steps"] = {k: dict(summary(p), spread=moves[k]) for k, p in model.named_parameters()}
        fixture["models"][name] = entry
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "EngineTests", "Fixtures", "torch_parity.json")
    with open(out, "w") as f:
        json.dump(fixture, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
