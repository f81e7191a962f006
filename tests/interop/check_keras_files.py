#!/usr/bin/python3
"""Reads the Keras files Digit Studio wrote (tst_keras_export leaves them in DIR) the way Keras
lays them out, with h5py and zipfile alone (not our reader), runs make_keras_fixtures.py's numpy
forward pass on them and compares with the outputs Digit Studio computed for the same inputs.

  check_keras_files.py DIR      (DIR/NAME.h5, DIR/NAME.keras, DIR/NAME.expected, DIR/inputs.bin)
"""

import glob
import io
import json
import os
import sys
import zipfile

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_keras_fixtures import SNAKE, forward  # noqa: E402


def read_bin(path):
    with open(path, "rb") as f:
        rows, cols = np.frombuffer(f.read(8), dtype="<i4")
        return np.frombuffer(f.read(), dtype="<f4").reshape(rows, cols)


def layers_of(config):
    entries = config["config"]["layers"]
    first = entries[0]["config"]
    shape = first.get("batch_input_shape") or first.get("batch_shape")
    return tuple(shape[1:]), [(e["class_name"], e["config"]) for e in entries[1:]]


def weights_keras2(path, layers):
    with h5py.File(path, "r") as f:
        assert f.attrs["keras_version"].startswith("2."), "not a Keras 2 file"
        g = f["model_weights"]
        names = [n.decode() for n in g.attrs["layer_names"]]
        assert names == [c["name"] for _, c in layers], names
        out = []
        for n in names:
            wn = [w.decode() for w in g[n].attrs["weight_names"]] if "weight_names" in g[n].attrs else []
            assert all(w.endswith(":0") and w.startswith(n + "/") for w in wn), wn
            out.append([g[n][w][...] for w in wn])
        return out


def weights_keras3(data, layers):
    out, used = [], {}
    with h5py.File(io.BytesIO(data), "r") as f:
        for cls, _ in layers:
            base = SNAKE[cls]
            key = base if base not in used else f"{base}_{used[base] + 1}"
            used[base] = used[base] + 1 if base in used else 0
            v = f[f"layers/{key}/vars"]
            out.append([v[str(i)][...] for i in range(len(v))])
    return out


def main():
    folder = sys.argv[1]
    x = read_bin(os.path.join(folder, "inputs.bin"))
    checked = 0
    for expected_path in sorted(glob.glob(os.path.join(folder, "*.expected"))):
        name = expected_path[:-len(".expected")]
        expected = read_bin(expected_path)
        for kind in ("h5", "keras"):
            if kind == "h5":
                with h5py.File(name + ".h5", "r") as f:
                    config = json.loads(f.attrs["model_config"])
                shape, layers = layers_of(config)
                weights = weights_keras2(name + ".h5", layers)
            else:
                with zipfile.ZipFile(name + ".keras") as z:
                    config = json.loads(z.read("config.json"))
                    assert json.loads(z.read("metadata.json"))["keras_version"].startswith("3.")
                    shape, layers = layers_of(config)
                    weights = weights_keras3(z.read("model.weights.h5"), layers)
            y = forward(shape, layers, weights, x)
            diff = float(np.abs(y - expected).max())
            print(f"{os.path.basename(name)}.{kind}: numpy forward of the file vs Digit Studio: max |difference| {diff:.3g}")
            assert diff <= 1e-5, diff
            checked += 1
    assert checked >= 6, checked
    print(f"{checked} files agree")


if __name__ == "__main__":
    main()
