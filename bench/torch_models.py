"""The three homework models in PyTorch, layer for layer as the Swift engine
declares them (Sources/Engine/ModelSpec.swift), with the same state_dict names,
so weights the Swift engine writes load with

    model.load_state_dict(safetensors.torch.load_file("runs/<id>/model1/weights.safetensors"))
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Model1(nn.Module):
    """2 Conv, 1 Max pooling, 2 FC."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, padding=1)
        self.conv2 = nn.Conv2d(32, 64, 3, padding=1)
        self.fc1 = nn.Linear(64 * 14 * 14, 64)
        self.fc2 = nn.Linear(64, 10)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.relu(self.conv2(x))
        x = torch.flatten(F.max_pool2d(x, 2), 1)
        return F.log_softmax(self.fc2(F.relu(self.fc1(x))), dim=1)


class Model2(nn.Module):
    """4 Conv, 2 Max pooling, 2 FC."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.conv2 = nn.Conv2d(8, 16, 3, padding=1)
        self.conv3 = nn.Conv2d(16, 32, 3, padding=1)
        self.conv4 = nn.Conv2d(32, 64, 3, padding=1)
        self.fc1 = nn.Linear(64 * 7 * 7, 64)
        self.fc2 = nn.Linear(64, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv2(F.relu(self.conv1(x)))), 2)
        x = F.max_pool2d(F.relu(self.conv4(F.relu(self.conv3(x)))), 2)
        x = torch.flatten(x, 1)
        return F.log_softmax(self.fc2(F.relu(self.fc1(x))), dim=1)


class Residual(nn.Module):
    """y = relu(x + conv2(relu(conv1(x))))."""

    def __init__(self, channels):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1)

    def forward(self, x):
        return F.relu(x + self.conv2(F.relu(self.conv1(x))))


class Model3(nn.Module):
    """5 Conv (conv + 2 residual blocks), 1 Max pooling, 2 FC."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, padding=1)
        self.res1 = Residual(32)
        self.res2 = Residual(32)
        self.fc1 = nn.Linear(32 * 14 * 14, 64)
        self.fc2 = nn.Linear(64, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = torch.flatten(self.res2(self.res1(x)), 1)
        return F.log_softmax(self.fc2(F.relu(self.fc1(x))), dim=1)


MODELS = {"model1": Model1, "model2": Model2, "model3": Model3}
# Forward multiply-accumulates per sample, as the Swift engine derives them.
FORWARD_MACS = {"model1": 15_479_936, "model2": 5_676_800, "model3": 7_853_184}


def load_idx(path):
    """Reads an uncompressed IDX file of unsigned bytes into a uint8 tensor."""
    import struct
    with open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return torch.frombuffer(bytearray(data[4 + 4 * dims:]), dtype=torch.uint8).reshape(shape)


def load_mnist(folder="data/mnist"):
    """The normalised test and training sets, as the Swift engine sees them."""
    def images(name):
        return ((load_idx(f"{folder}/{name}").float() / 255 - 0.1307) / 0.3081).unsqueeze(1)
    return (images("train-images-idx3-ubyte"), load_idx(f"{folder}/train-labels-idx1-ubyte").long(),
            images("t10k-images-idx3-ubyte"), load_idx(f"{folder}/t10k-labels-idx1-ubyte").long())
