#!/usr/bin/python3
"""Writes Keras model files the way Keras writes them, with random weights, and the outputs a
separate numpy forward pass computes for them: the evidence for the importer (tst_keras_import).

Neither Keras nor TensorFlow installs on these machines, so this script reproduces their file
layouts with h5py and numpy (Debian's python3-h5py, python3-numpy):

  (A model in FUNCTIONAL is saved as keras.Model(inputs, outputs) saves it: class_name
  "Functional", each layer with its name and inbound_nodes, input_layers/output_layers, and the
  InputLayer among the model's layers, in Keras 2's and Keras 3's spellings.)
  NAME.keras2.h5   model.save("m.h5") in Keras 2.x (tf.keras hdf5_format.save_model_to_hdf5):
                   root attributes model_config (JSON, bytes), keras_version, backend,
                   training_config; model_weights/ with layer_names and, per layer group,
                   weight_names "dense/kernel:0" and the datasets at those names.
  NAME.keras3.h5   model.save("m.h5") in Keras 3 (legacy_h5_format): Keras 3's config JSON, and
                   weight names that are variable paths ("sequential/dense/kernel": no ":0",
                   an extra name level).
  NAME.keras       model.save("m.keras") in Keras 3 (saving_lib): a zip of metadata.json,
                   config.json and model.weights.h5 with layers/<snake_case_class>[_N]/vars/<i>.
  NAME.weights.h5  model.save_weights("m.weights.h5") in Keras 3: the same weights file alone.
  NAME.expected    the model's output for inputs.bin, from forward() below.
  inputs.bin       N test inputs of 784 values in [0, 1].
  (.bin/.expected: int32 rows, int32 cols, then rows*cols float32, little-endian.)

  make_keras_fixtures.py OUT_DIR
"""

import io
import json
import os
import sys
import zipfile

import h5py
import numpy as np

HDF5_OBJECT_HEADER_LIMIT = 64512  # Keras splits longer attributes into name0, name1, ...

# ---------------------------------------------------------------------------------------------
# The models. Each layer: (class_name, settings). Input shape first.

MODELS = {
    # An MLP of the tutorials' kind, logits-free: softmax output.
    "mlp": ((784,), [
        ("Dense", dict(units=64, activation="relu")),
        ("Dropout", dict(rate=0.2)),
        ("Dense", dict(units=32, activation="tanh")),
        ("Dense", dict(units=10, activation="softmax")),
    ]),
    # The cnn-32-64 preset's shape (Keras's mnist_cnn example).
    "cnn": ((28, 28, 1), [
        ("Conv2D", dict(filters=32, kernel_size=3, activation="relu")),
        ("Conv2D", dict(filters=64, kernel_size=3, activation="relu")),
        ("MaxPooling2D", dict(pool_size=2)),
        ("Dropout", dict(rate=0.25)),
        ("Flatten", {}),
        ("Dense", dict(units=128, activation="relu")),
        ("Dropout", dict(rate=0.5)),
        ("Dense", dict(units=10, activation="softmax")),
    ]),
    # Batch norm after a bias-free strided 'same' convolution and after a Dense, a Reshape from
    # 784, separate Activation layers, a logits output.
    "bn": ((784,), [
        ("Reshape", dict(target_shape=[28, 28, 1])),
        ("Conv2D", dict(filters=8, kernel_size=3, strides=2, padding="same", use_bias=False)),
        ("BatchNormalization", {}),
        ("Activation", dict(activation="relu")),
        ("Conv2D", dict(filters=6, kernel_size=5, padding="same", activation="sigmoid")),
        ("MaxPooling2D", dict(pool_size=2)),
        ("Flatten", {}),
        ("Dense", dict(units=16)),
        ("BatchNormalization", {}),
        ("Activation", dict(activation="elu")),
        ("Dense", dict(units=10)),
    ]),
    # A functional model (keras.Model(inputs, outputs)) that is a single chain, the way the
    # functional-API tutorials write it, with a bias-free convolution and a bias-free Dense.
    "func": ((28, 28, 1), [
        ("Conv2D", dict(filters=8, kernel_size=3, activation="relu", use_bias=False)),
        ("MaxPooling2D", dict(pool_size=2)),
        ("Flatten", {}),
        ("Dropout", dict(rate=0.3)),
        ("Dense", dict(units=32, use_bias=False)),
        ("Activation", dict(activation="relu")),
        ("Dense", dict(units=10, activation="softmax")),
    ]),
}
FUNCTIONAL = {"func"}

SNAKE = {"Dense": "dense", "Conv2D": "conv2d", "MaxPooling2D": "max_pooling2d", "Dropout": "dropout",
         "Flatten": "flatten", "BatchNormalization": "batch_normalization", "Activation": "activation",
         "Reshape": "reshape"}


def pair(v):
    return [v, v] if isinstance(v, int) else list(v)


def layer_names(layers):
    """Keras's automatic layer names: dense, dense_1, ..., per class."""
    seen, names = {}, []
    for cls, _ in layers:
        base = SNAKE[cls]
        n = seen.get(base, 0)
        names.append(base if n == 0 else f"{base}_{n}")
        seen[base] = n + 1
    return names


def shapes_and_weights(input_shape, layers, rng):
    """Random weights, in Keras's layouts, for each layer; and each layer's output shape."""
    shape, weights = tuple(input_shape), []
    for cls, s in layers:
        w = []
        if cls == "Dense":
            w = [rng.normal(0, 1 / np.sqrt(shape[-1]), (shape[-1], s["units"]))]          # (in, out)
            if s.get("use_bias", True):
                w.append(rng.normal(0, 0.1, (s["units"],)))
            shape = shape[:-1] + (s["units"],)
        elif cls == "Conv2D":
            k, st = pair(s["kernel_size"]), pair(s.get("strides", 1))
            cin = shape[-1]
            w = [rng.normal(0, 1 / np.sqrt(k[0] * k[1] * cin), (k[0], k[1], cin, s["filters"]))]  # (kh, kw, in, out)
            if s.get("use_bias", True):
                w.append(rng.normal(0, 0.1, (s["filters"],)))
            shape = conv_out(shape, k, st, s.get("padding", "valid")) + (s["filters"],)
        elif cls == "MaxPooling2D":
            p = pair(s["pool_size"])
            shape = conv_out(shape, p, pair(s.get("strides") or p), s.get("padding", "valid")) + (shape[-1],)
        elif cls == "BatchNormalization":
            s["_axis"] = len(shape)
            c = shape[-1]
            w = [rng.uniform(0.5, 1.5, c), rng.normal(0, 0.2, c),        # gamma, beta
                 rng.normal(0, 0.3, c), rng.uniform(0.2, 2.0, c)]         # moving mean, variance
        elif cls == "Flatten":
            shape = (int(np.prod(shape)),)
        elif cls == "Reshape":
            shape = tuple(s["target_shape"])
        weights.append([np.asarray(a, dtype=np.float32) for a in w])
    return weights


def conv_out(shape, k, st, padding):
    if padding == "same":
        return tuple(-(-shape[i] // st[i]) for i in range(2))
    return tuple((shape[i] - k[i]) // st[i] + 1 for i in range(2))


# ---------------------------------------------------------------------------------------------
# The independent forward pass: plain numpy, written from Keras's definitions (TensorFlow's
# 'same' padding puts the extra pixel at the bottom/right), nothing shared with the C++ code.

ACT = {
    "linear": lambda x: x,
    "relu": lambda x: np.maximum(x, 0),
    "tanh": np.tanh,
    "sigmoid": lambda x: 1 / (1 + np.exp(-x)),
    "elu": lambda x: np.where(x > 0, x, np.expm1(np.minimum(x, 0))),
    "softmax": lambda x: np.exp(x - x.max(-1, keepdims=True)) / np.exp(x - x.max(-1, keepdims=True)).sum(-1, keepdims=True),
}


def pad_same(x, k, st):
    """x: (N, H, W, C) -> zero-padded as TensorFlow pads for 'same'."""
    pads = []
    for i in range(2):
        n = x.shape[1 + i]
        out = -(-n // st[i])
        total = max((out - 1) * st[i] + k[i] - n, 0)
        pads.append((total // 2, total - total // 2))
    return np.pad(x, ((0, 0), pads[0], pads[1], (0, 0)))


def forward(input_shape, layers, weights, x):
    x = x.astype(np.float64).reshape((x.shape[0],) + tuple(input_shape))
    for (cls, s), w in zip(layers, weights):
        w = [a.astype(np.float64) for a in w]
        if cls == "Dense":
            x = x @ w[0] + (w[1] if len(w) > 1 else 0)
            x = ACT[s.get("activation", "linear")](x)
        elif cls == "Conv2D":
            k, st = pair(s["kernel_size"]), pair(s.get("strides", 1))
            if s.get("padding", "valid") == "same":
                x = pad_same(x, k, st)
            n, h, wd, _ = x.shape
            ho, wo = (h - k[0]) // st[0] + 1, (wd - k[1]) // st[1] + 1
            y = np.zeros((n, ho, wo, w[0].shape[3]))
            for i in range(k[0]):
                for j in range(k[1]):
                    patch = x[:, i:i + st[0] * (ho - 1) + 1:st[0], j:j + st[1] * (wo - 1) + 1:st[1], :]
                    y += np.einsum("nhwc,cf->nhwf", patch, w[0][i, j])
            x = ACT[s.get("activation", "linear")](y + (w[1] if len(w) > 1 else 0))
        elif cls == "MaxPooling2D":
            p = pair(s["pool_size"])
            st = pair(s.get("strides") or p)
            n, h, wd, c = x.shape
            ho, wo = (h - p[0]) // st[0] + 1, (wd - p[1]) // st[1] + 1
            y = np.full((n, ho, wo, c), -np.inf)
            for i in range(p[0]):
                for j in range(p[1]):
                    y = np.maximum(y, x[:, i:i + st[0] * (ho - 1) + 1:st[0], j:j + st[1] * (wo - 1) + 1:st[1], :])
            x = y
        elif cls == "BatchNormalization":
            gamma, beta, mean, var = w
            x = gamma * (x - mean) / np.sqrt(var + 1e-3) + beta
        elif cls == "Activation":
            x = ACT[s["activation"]](x)
        elif cls == "Flatten":
            x = x.reshape(x.shape[0], -1)  # (h, w, c) order, as Keras flattens channels-last
        elif cls == "Reshape":
            x = x.reshape((x.shape[0],) + tuple(s["target_shape"]))
    return x


# ---------------------------------------------------------------------------------------------
# Configs as Keras 2.x and Keras 3 emit them.

def glorot(k3):
    c = {"class_name": "GlorotUniform", "config": {"seed": None}}
    if k3:
        c = {"module": "keras.initializers", **c, "registered_name": None}
    return c


def zeros(k3, cls="Zeros"):
    c = {"class_name": cls, "config": {}}
    if k3:
        c = {"module": "keras.initializers", **c, "registered_name": None}
    return c


def layer_config(cls, s, name, k3):
    dtype = ({"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}, "registered_name": None}
             if k3 else "float32")
    c = {"name": name, "trainable": True, "dtype": dtype}
    if cls == "Dense":
        c.update(units=s["units"], activation=s.get("activation", "linear"), use_bias=s.get("use_bias", True),
                 kernel_initializer=glorot(k3), bias_initializer=zeros(k3), kernel_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None, bias_constraint=None)
        if k3:
            del c["activity_regularizer"]
    elif cls == "Conv2D":
        c.update(filters=s["filters"], kernel_size=pair(s["kernel_size"]), strides=pair(s.get("strides", 1)),
                 padding=s.get("padding", "valid"), data_format="channels_last", dilation_rate=[1, 1], groups=1,
                 activation=s.get("activation", "linear"), use_bias=s.get("use_bias", True),
                 kernel_initializer=glorot(k3), bias_initializer=zeros(k3), kernel_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None, bias_constraint=None)
    elif cls == "MaxPooling2D":
        p = pair(s["pool_size"])
        c.update(pool_size=p, padding=s.get("padding", "valid"), strides=pair(s.get("strides") or p),
                 data_format="channels_last")
    elif cls == "Dropout":
        c.update(rate=s["rate"], noise_shape=None, seed=None)
    elif cls == "Flatten":
        c.update(data_format="channels_last")
    elif cls == "Activation":
        c.update(activation=s["activation"])
    elif cls == "Reshape":
        c.update(target_shape=list(s["target_shape"]))
    elif cls == "BatchNormalization":
        c.update(axis=-1 if k3 else [-1], momentum=0.99, epsilon=0.001, center=True, scale=True,
                 beta_initializer=zeros(k3), gamma_initializer=zeros(k3, "Ones"),
                 moving_mean_initializer=zeros(k3), moving_variance_initializer=zeros(k3, "Ones"),
                 beta_regularizer=None, gamma_regularizer=None, beta_constraint=None, gamma_constraint=None)
        if k3:
            c["synchronized"] = False
        else:
            c["axis"] = [s["_axis"]]  # Keras 2 stores the built axis as a positive index list
    return c


def input_name(k3):
    return "input_layer" if k3 else "input_1"


def functional_config(input_shape, layers, names, k3):
    """keras.Model(inputs, outputs).get_config() of a chain of layers, Keras 2 or Keras 3."""
    batch = [None] + list(input_shape)
    inp = input_name(k3)
    shape = list(batch)
    if k3:
        entries = [{"module": "keras.layers", "class_name": "InputLayer",
                    "config": {"batch_shape": batch, "dtype": "float32", "sparse": False, "name": inp},
                    "registered_name": None, "name": inp, "inbound_nodes": []}]
    else:
        entries = [{"class_name": "InputLayer",
                    "config": {"batch_input_shape": batch, "dtype": "float32", "sparse": False, "ragged": False,
                               "name": inp}, "name": inp, "inbound_nodes": []}]
    prev = inp
    for (cls, s), name in zip(layers, names):
        if k3:
            tensor = {"class_name": "__keras_tensor__",
                      "config": {"shape": shape, "dtype": "float32", "keras_history": [prev, 0, 0]}}
            entries.append({"module": "keras.layers", "class_name": cls, "config": layer_config(cls, s, name, True),
                            "registered_name": None, "build_config": {"input_shape": shape}, "name": name,
                            "inbound_nodes": [{"args": [tensor], "kwargs": {}}]})
        else:
            entries.append({"class_name": cls, "config": layer_config(cls, s, name, False), "name": name,
                            "inbound_nodes": [[[prev, 0, 0, {}]]]})
        prev = name
    config = {"name": "functional" if k3 else "model", "trainable": True, "layers": entries,
              "input_layers": [[inp, 0, 0]], "output_layers": [[prev, 0, 0]]}
    if k3:
        return {"module": "keras.src.models.functional", "class_name": "Functional", "config": config,
                "registered_name": "Functional", "build_config": {"input_shape": None},
                "compile_config": {"optimizer": "adam", "loss": "sparse_categorical_crossentropy",
                                   "metrics": ["accuracy"]}}
    return {"class_name": "Functional", "config": config}


def model_config(input_shape, layers, names, k3, functional=False):
    if functional:
        return functional_config(input_shape, layers, names, k3)
    batch = [None] + list(input_shape)
    if k3:
        entries = [{"module": "keras.layers", "class_name": "InputLayer",
                    "config": {"batch_shape": batch, "dtype": "float32", "sparse": False, "name": "input_layer"},
                    "registered_name": None}]
        for (cls, s), name in zip(layers, names):
            entries.append({"module": "keras.layers", "class_name": cls, "config": layer_config(cls, s, name, True),
                            "registered_name": None})
        return {"module": "keras", "class_name": "Sequential",
                "config": {"name": "sequential", "trainable": True,
                           "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"},
                                     "registered_name": None},
                           "layers": entries, "build_input_shape": batch},
                "registered_name": None, "build_config": {"input_shape": batch},
                "compile_config": {"optimizer": {"module": "keras.optimizers", "class_name": "Adam",
                                                 "config": {"name": "adam", "learning_rate": 0.0005, "beta_1": 0.9,
                                                            "beta_2": 0.999, "epsilon": 1e-07, "amsgrad": False},
                                                 "registered_name": None},
                                   "loss": "sparse_categorical_crossentropy", "metrics": ["accuracy"]}}
    entries = [{"class_name": "InputLayer",
                "config": {"batch_input_shape": batch, "dtype": "float32", "sparse": False, "ragged": False,
                           "name": names[0] + "_input"}}]
    for (cls, s), name in zip(layers, names):
        entries.append({"class_name": cls, "config": layer_config(cls, s, name, False)})
    return {"class_name": "Sequential", "config": {"name": "sequential", "layers": entries}}


def training_config():
    return {"loss": "categorical_crossentropy", "metrics": [[{"class_name": "MeanMetricWrapper",
            "config": {"name": "accuracy", "dtype": "float32", "fn": "categorical_accuracy"}}]],
            "weighted_metrics": None, "loss_weights": None,
            "optimizer_config": {"class_name": "RMSprop", "config": {"name": "RMSprop", "learning_rate": 0.001,
                                 "decay": 0.0, "rho": 0.9, "momentum": 0.0, "epsilon": 1e-07, "centered": False}}}


def save_attributes(group, name, data):
    """Keras's save_attributes_to_hdf5_group: chunked when over the object header limit."""
    data = np.asarray(data)  # Keras: an empty list becomes an empty float64 array
    chunks = 1
    while any(c.nbytes > HDF5_OBJECT_HEADER_LIMIT for c in np.array_split(data, chunks)):
        chunks += 1
    if chunks > 1:
        for i, c in enumerate(np.array_split(data, chunks)):
            group.attrs[f"{name}{i}"] = c
    else:
        group.attrs[name] = data


WEIGHT_NAMES = {"Dense": ["kernel", "bias"], "Conv2D": ["kernel", "bias"],
                "BatchNormalization": ["gamma", "beta", "moving_mean", "moving_variance"]}


def weight_names(cls, s):
    names = list(WEIGHT_NAMES.get(cls, []))
    if cls in ("Dense", "Conv2D") and not s.get("use_bias", True):
        names.remove("bias")
    return names


def write_h5(path, input_shape, layers, weights, k3, functional=False):
    names = layer_names(layers)
    with h5py.File(path, "w") as f:
        f.attrs["backend"] = "tensorflow"
        f.attrs["keras_version"] = "3.3.3" if k3 else "2.13.1"
        f.attrs["model_config"] = json.dumps(model_config(input_shape, layers, names, k3, functional)).encode("utf8")
        if not k3:
            f.attrs["training_config"] = json.dumps(training_config()).encode("utf8")
        g = f.create_group("model_weights")
        # A functional model's layers include its InputLayer (a group without weights).
        listed = ([input_name(k3)] if functional else []) + names
        save_attributes(g, "layer_names", [n.encode("utf8") for n in listed])
        if functional:
            save_attributes(g.create_group(input_name(k3)), "weight_names", [])
        g.attrs["backend"] = b"tensorflow" if k3 else "tensorflow"
        g.attrs["keras_version"] = b"3.3.3" if k3 else "2.13.1"
        for (cls, s), name, w in sorted(zip(layers, names, weights), key=lambda t: t[1]):
            lg = g.create_group(name)
            wn = [(f"sequential/{name}/{n}" if k3 else f"{name}/{n}:0").encode("utf8") for n in weight_names(cls, s)]
            save_attributes(lg, "weight_names", wn)
            for n, a in zip(wn, w):
                d = lg.create_dataset(n.decode("utf8"), a.shape, dtype=a.dtype)
                d[...] = a


def weights_h5_bytes(layers, weights, functional=False):
    """Keras 3 saving_lib's model.weights.h5: layers/<snake_case_class>[_N]/vars/<i>."""
    buf = io.BytesIO()
    with h5py.File(buf, "w") as f:
        used = {}
        if functional:
            f.create_group("layers/input_layer/vars")
        for (cls, s), w in zip(layers, weights):
            base = SNAKE[cls]
            if base in used:
                used[base] += 1
                key = f"{base}_{used[base]}"
            else:
                used[base] = 0
                key = base
            v = f.create_group(f"layers/{key}/vars")
            for i, a in enumerate(w):
                v.create_dataset(str(i), data=a)
        f.create_group("optimizer/vars")
    return buf.getvalue()


def write_keras(path, input_shape, layers, weights, functional=False):
    names = layer_names(layers)
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("metadata.json", json.dumps({"keras_version": "3.3.3", "date_saved": "2026-12-01@04:00:00"}))
        z.writestr("config.json", json.dumps(model_config(input_shape, layers, names, True, functional)))
        z.writestr("model.weights.h5", weights_h5_bytes(layers, weights, functional))


def write_bad(out, rng):
    """Files Digit Studio must refuse, each with the words its message must contain
    (bad_cases.txt: file name, tab, expected fragment)."""
    input_shape, layers = MODELS["mlp"]
    weights = shapes_and_weights(input_shape, layers, rng)
    names = layer_names(layers)
    cases = []

    def h5_with(name, fragment, edit_config=None, edit_file=None):
        path = os.path.join(out, f"bad_{name}.h5")
        write_h5(path, input_shape, layers, weights, k3=False)
        with h5py.File(path, "a") as f:
            if edit_config:
                cfg = json.loads(f.attrs["model_config"])
                edit_config(cfg)
                f.attrs["model_config"] = json.dumps(cfg).encode("utf8")
            if edit_file:
                edit_file(f)
        cases.append((os.path.basename(path), fragment))

    def layer(cfg, i):
        return cfg["config"]["layers"][i]

    h5_with("lstm", "(LSTM): this layer type is not supported", lambda c: layer(c, 1).update(class_name="LSTM"))
    h5_with("functional", "functional", lambda c: c.update(class_name="Functional"))
    h5_with("input_shape", "input shape", lambda c: layer(c, 0)["config"].update(batch_input_shape=[None, 32, 32, 3]))
    h5_with("activation", "'swish'", lambda c: layer(c, 1)["config"].update(activation="swish"))
    h5_with("units", "parameters", lambda c: layer(c, 1)["config"].update(units=1000000))
    h5_with("no_flatten", "Flatten", lambda c: layer(c, 0)["config"].update(batch_input_shape=[None, 28, 28, 1]))
    h5_with("regularizer", "activity_regularizer",
            lambda c: layer(c, 1)["config"].update(activity_regularizer={"class_name": "L1", "config": {"l1": 0.01}}))
    h5_with("json", "not valid JSON", edit_file=lambda f: f.attrs.__setitem__("model_config", b'{"class_name": "Sequ'))
    h5_with("kernel_shape", "wrong shape", edit_file=lambda f: (
        f["model_weights/dense"].__delitem__("dense/kernel:0"),
        f["model_weights/dense"].create_dataset("dense/kernel:0", data=np.zeros((784, 63), np.float32))))
    h5_with("missing_weight", "no weight named bias", edit_file=lambda f: f["model_weights/dense"].attrs.__setitem__(
        "weight_names", np.asarray([b"dense/kernel:0", b"dense/other:0"])))
    h5_with("int_weights", "floating-point", edit_file=lambda f: (
        f["model_weights/dense"].__delitem__("dense/bias:0"),
        f["model_weights/dense"].create_dataset("dense/bias:0", data=np.zeros((64,), np.int32))))
    h5_with("nan", "NaN", edit_file=lambda f: f["model_weights/dense/dense/bias:0"].__setitem__(0, np.nan))
    # A config nested 200,000 levels deep (a crafted file: parsing and printing JSON recurse).
    deep = '{"class_name": "Sequential", "config": {"layers": [{"class_name": "Reshape", "config": {"name": "r", ' \
           '"batch_input_shape": [null, 784], "target_shape": ' + "[" * 200000 + "]" * 200000 + '}}]}}'
    h5_with("deep_json", "nests more than 100 levels",
            edit_file=lambda f: f.attrs.__setitem__("model_config", deep.encode("utf8")))

    # A convolution network with channels_first, a dilated kernel and a batch norm epsilon.
    ci, cl = MODELS["bn"]
    cw = shapes_and_weights(ci, cl, rng)

    def cnn_with(name, fragment, edit):
        path = os.path.join(out, f"bad_{name}.h5")
        write_h5(path, ci, cl, cw, k3=False)
        with h5py.File(path, "a") as f:
            cfg = json.loads(f.attrs["model_config"])
            edit(cfg)
            f.attrs["model_config"] = json.dumps(cfg).encode("utf8")
        cases.append((os.path.basename(path), fragment))

    cnn_with("channels_first", "channels_first", lambda c: layer(c, 2)["config"].update(data_format="channels_first"))
    cnn_with("dilation", "dilated", lambda c: layer(c, 2)["config"].update(dilation_rate=[2, 2]))
    cnn_with("epsilon", "epsilon", lambda c: layer(c, 3)["config"].update(epsilon=1e-5))
    cnn_with("reshape", "Reshape", lambda c: layer(c, 1)["config"].update(target_shape=[14, 56, 1]))

    # Functional models that are not a single chain: each refusal names the layer.
    fi, fl = MODELS["func"]
    fw = shapes_and_weights(fi, fl, rng)

    def func_with(name, fragment, edit):
        path = os.path.join(out, f"bad_{name}.h5")
        write_h5(path, fi, fl, fw, k3=False, functional=True)
        with h5py.File(path, "a") as f:
            cfg = json.loads(f.attrs["model_config"])
            edit(cfg["config"])
            f.attrs["model_config"] = json.dumps(cfg).encode("utf8")
        cases.append((os.path.basename(path), fragment))

    def by_name(c, name):
        return next(e for e in c["layers"] if e["name"] == name)

    # A merge: the last Dense takes the Activation's output and the Flatten's.
    func_with("merge", "layer 'dense_1' (Dense) takes 2 input tensors ('activation', 'flatten')",
              lambda c: by_name(c, "dense_1")["inbound_nodes"][0].append(["flatten", 0, 0, {}]))
    # A branch: a second head on the Flatten's output.
    func_with("branch", "the output of layer 'flatten' (Flatten) feeds 2 layers ('dropout', 'side_head')",
              lambda c: c["layers"].append({"class_name": "Dense", "name": "side_head",
                                            "config": dict(by_name(c, "dense_1")["config"], name="side_head"),
                                            "inbound_nodes": [[["flatten", 0, 0, {}]]]}))
    func_with("two_outputs", "2 outputs", lambda c: c["output_layers"].append(["dense", 0, 0]))
    func_with("shared", "layer 'dense' (Dense) is called 2 times",
              lambda c: by_name(c, "dense")["inbound_nodes"].append([["dropout", 0, 0, {}]]))

    # .keras archives: no config.json; a damaged weights file inside.
    path = os.path.join(out, "bad_no_config.keras")
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("metadata.json", "{}")
        z.writestr("model.weights.h5", weights_h5_bytes(layers, weights))
    cases.append(("bad_no_config.keras", "no config.json"))
    path = os.path.join(out, "bad_weights_entry.keras")
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("config.json", json.dumps(model_config(input_shape, layers, names, True)))
        z.writestr("model.weights.h5", b"\x89HDF\r\n\x1a\n" + bytes(200))
    cases.append(("bad_weights_entry.keras", "model.weights.h5"))
    path = os.path.join(out, "bad_deep_json.keras")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("config.json", deep)
        z.writestr("model.weights.h5", weights_h5_bytes(layers, weights))
    cases.append(("bad_deep_json.keras", "config.json nests more than 100 levels"))
    # Weights alone, given as a model.
    with open(os.path.join(out, "bad_weights_only.h5"), "wb") as f:
        f.write(weights_h5_bytes(layers, weights))
    cases.append(("bad_weights_only.h5", "weights only"))

    with open(os.path.join(out, "bad_cases.txt"), "w") as f:
        for name, fragment in cases:
            f.write(f"{name}\t{fragment}\n")


def write_bin(path, a):
    a = np.asarray(a, dtype="<f4")
    with open(path, "wb") as f:
        f.write(np.asarray(a.shape, dtype="<i4").tobytes())
        f.write(a.tobytes())


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(20261201)
    x = rng.uniform(0, 1, (8, 784)).astype(np.float32)
    x[:, rng.uniform(0, 1, 784) < 0.6] = 0  # MNIST-like: mostly background
    write_bin(os.path.join(out, "inputs.bin"), x)
    for name, (input_shape, layers) in MODELS.items():
        weights = shapes_and_weights(input_shape, layers, rng)
        fn = name in FUNCTIONAL
        write_h5(os.path.join(out, f"{name}.keras2.h5"), input_shape, layers, weights, k3=False, functional=fn)
        write_h5(os.path.join(out, f"{name}.keras3.h5"), input_shape, layers, weights, k3=True, functional=fn)
        write_keras(os.path.join(out, f"{name}.keras"), input_shape, layers, weights, functional=fn)
        with open(os.path.join(out, f"{name}.weights.h5"), "wb") as f:
            f.write(weights_h5_bytes(layers, weights, functional=fn))
        write_bin(os.path.join(out, f"{name}.expected"), forward(input_shape, layers, weights, x))
    write_bad(out, rng)
    print("wrote fixtures to", out)


if __name__ == "__main__":
    main()
