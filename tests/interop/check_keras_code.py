#!/usr/bin/python3
"""Runs the Keras scripts `digit-cli keras-code` writes against a stand-in `keras` module (Keras
itself cannot be installed here) that records what the script builds, compiles and fits, infers
the layers' shapes and counts their parameters as Keras does. For every preset the count must
equal `digit-cli summary`'s "Total params" and the script must compile and fit once.

  check_keras_code.py DIGIT_CLI
"""

import re
import subprocess
import sys
import types

import numpy as np

record = {}


def pair(v):
    return tuple(v) if isinstance(v, (tuple, list)) else (v, v)


class Layer:
    def __init__(self, kind, **kw):
        self.kind, self.kw = kind, kw

    def build(self, shape):
        """Output shape and parameter count, as Keras computes them (channels last)."""
        k = self.kw
        if self.kind == "Dense":
            assert len(shape) == 1, f"Dense on {shape}"
            return (k["units"],), shape[0] * k["units"] + k["units"]
        if self.kind == "Conv2D":
            kh, kw_ = pair(k["kernel_size"])
            sh, sw = pair(k.get("strides", 1))
            h, w, c = shape
            if k.get("padding", "valid") == "same":
                ho, wo = -(-h // sh), -(-w // sw)
            else:
                ho, wo = (h - kh) // sh + 1, (w - kw_) // sw + 1
            return (ho, wo, k["filters"]), kh * kw_ * c * k["filters"] + k["filters"]
        if self.kind == "MaxPooling2D":
            ph, pw = pair(k["pool_size"])
            sh, sw = pair(k.get("strides") or (ph, pw))
            h, w, c = shape
            if k.get("padding", "valid") == "same":
                return (-(-h // sh), -(-w // sw), c), 0
            return ((h - ph) // sh + 1, (w - pw) // sw + 1, c), 0
        if self.kind == "Flatten":
            return (int(np.prod(shape)),), 0
        if self.kind == "BatchNormalization":
            return shape, 4 * shape[-1]
        return shape, 0  # Dropout, Activation


def layer(kind, *positional):
    def make(*args, **kw):
        for name, value in zip(positional, args):
            kw[name] = value
        return Layer(kind, **kw)
    return make


class Sequential:
    def __init__(self, layers):
        assert isinstance(layers[0], Input)
        shape, total = layers[0].shape, 0
        for l in layers[1:]:
            shape, n = l.build(shape)
            total += n
        record["params"] = total
        record["output"] = shape

    def summary(self):
        record["summary"] = True

    def compile(self, optimizer, loss, metrics):
        record["optimizer"], record["loss"] = optimizer, loss

    def fit(self, x, y, batch_size, epochs, **kw):
        record["fit"] = dict(batch_size=batch_size, epochs=epochs, **kw)

    def evaluate(self, x, y):
        return 0.0, 0.0

    def save(self, path):
        record["saved"] = path


class Input:
    def __init__(self, shape):
        self.shape = tuple(shape)


def stand_in():
    keras = types.ModuleType("keras")
    layers = types.ModuleType("keras.layers")
    layers.Dense = layer("Dense", "units")
    layers.Conv2D = layer("Conv2D", "filters", "kernel_size")
    layers.MaxPooling2D = layer("MaxPooling2D", "pool_size")
    layers.Dropout = layer("Dropout", "rate")
    layers.Flatten = layer("Flatten")
    layers.Activation = layer("Activation", "activation")
    layers.BatchNormalization = layer("BatchNormalization")
    keras.layers, keras.Sequential, keras.Input = layers, Sequential, Input
    mnist = types.SimpleNamespace(load_data=lambda: ((np.zeros((60, 28, 28), np.uint8), np.zeros(60, np.uint8)),
                                                     (np.zeros((10, 28, 28), np.uint8), np.zeros(10, np.uint8))))
    keras.datasets = types.SimpleNamespace(mnist=mnist)
    keras.utils = types.SimpleNamespace(to_categorical=lambda y, n: np.eye(n)[y])
    named = lambda kind: (lambda *a, **kw: (kind, a, kw))
    keras.optimizers = types.SimpleNamespace(SGD=named("SGD"), Adam=named("Adam"), RMSprop=named("RMSprop"),
                                             Adadelta=named("Adadelta"),
                                             schedules=types.SimpleNamespace(InverseTimeDecay=named("InverseTimeDecay")))
    keras.losses = types.SimpleNamespace(SparseCategoricalCrossentropy=named("Sparse"), CategoricalCrossentropy=named("Categorical"))
    keras.regularizers = types.SimpleNamespace(l2=named("l2"))
    keras.callbacks = types.SimpleNamespace(EarlyStopping=named("EarlyStopping"))
    sys.modules["keras"], sys.modules["keras.layers"] = keras, layers


def main():
    cli = sys.argv[1]
    stand_in()
    presets = [l.split()[0] for l in subprocess.run([cli, "presets"], capture_output=True, text=True, check=True).stdout.splitlines()[1:]]
    assert len(presets) >= 10, presets
    for p in presets:
        code = subprocess.run([cli, "keras-code", "--preset", p], capture_output=True, text=True, check=True).stdout
        summary = subprocess.run([cli, "summary", "--preset", p], capture_output=True, text=True, check=True).stdout
        expected = int(re.search(r"Total params: ([\d,]+)", summary).group(1).replace(",", ""))
        record.clear()
        exec(compile(code, f"keras-code {p}", "exec"), {"__name__": "__main__"})
        assert record["params"] == expected, (p, record["params"], expected)
        # best has an 11th output, "not a digit"; the tutorials 10.
        assert record["output"] == ((11,) if p == "best" else (10,)) and "fit" in record and record["saved"] == f"{p}.keras", record
        print(f"{p}: Keras script builds {record['params']:,} parameters (summary: {expected:,}), "
              f"{record['optimizer'][0]}, fit {record['fit']}")
    print(f"{len(presets)} presets: Keras code matches")


if __name__ == "__main__":
    main()
