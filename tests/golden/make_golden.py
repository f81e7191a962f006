#!/usr/bin/python3
"""Reference losses for tests/core/tst_golden.cpp, computed with PyTorch (float64).

A 784-32 relu-10 softmax network with weights given by a formula (so both sides start from the
same point without sharing a random generator) trains on the first 64 MNIST training images in
batches of 16, in order, for 8 steps with each optimiser. The script prints the loss of every
step (before its update) and the test's C++ table; rerun it to regenerate the table:

    MNIST_DIR=data/mnist /usr/bin/python3 tests/golden/make_golden.py
"""
import math
import os

import numpy as np
import torch

d = os.environ.get("MNIST_DIR", "data/mnist")
raw = open(os.path.join(d, "train-images-idx3-ubyte"), "rb").read()
x_all = np.frombuffer(raw, dtype=np.uint8, offset=16).reshape(-1, 784)[:64].astype(np.float64) / 255.0
labels = np.frombuffer(open(os.path.join(d, "train-labels-idx1-ubyte"), "rb").read(), dtype=np.uint8, offset=8)[:64]


def init():
    i = np.arange(784)[:, None]
    j = np.arange(32)[None, :]
    w1 = 0.05 * np.sin(0.37 * i + 0.91 * j + 0.5)
    b1 = 0.01 * np.cos(np.arange(32))
    j2 = np.arange(32)[:, None]
    k = np.arange(10)[None, :]
    w2 = 0.2 * np.sin(1.3 * j2 - 0.7 * k)
    b2 = np.zeros(10)
    return [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in (w1, b1, w2, b2)]


def run(make_opt):
    params = init()
    opt = make_opt(params)
    losses = []
    for step in range(8):
        b = step % 4
        x = torch.tensor(x_all[b * 16:(b + 1) * 16])
        y = torch.tensor(labels[b * 16:(b + 1) * 16].astype(np.int64))
        w1, b1, w2, b2 = params
        logits = torch.relu(x @ w1 + b1) @ w2 + b2
        loss = torch.nn.functional.cross_entropy(logits, y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses


# Keras defaults (eps 1e-7); PyTorch's update rules are the same as Keras's for constant
# learning rates (Adam differs only in where eps enters, far below the test's tolerance).
cases = {
    "sgd": lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True),
    "adam": lambda p: torch.optim.Adam(p, lr=1e-3, betas=(0.9, 0.999), eps=1e-7),
    "rmsprop": lambda p: torch.optim.RMSprop(p, lr=1e-3, alpha=0.9, eps=1e-7),
    "adadelta": lambda p: torch.optim.Adadelta(p, lr=1.0, rho=0.95, eps=1e-7),
}
for name, make in cases.items():
    losses = run(make)
    print(f'        QTest::newRow("{name}") << QString("{name}") << QVector<double>{{'
          + ", ".join(f"{v:.10f}" for v in losses) + "};")
