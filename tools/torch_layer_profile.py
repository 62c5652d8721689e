"""Where the time of a PyTorch training step, loss input gradient or logit Jacobian goes, by kind of work, for the twins
of ark4j's nets: the counterpart of `ark4j bench --layers` (docs/performance.md, "Where the time goes, layer by layer").
Developer tooling, not part of the kit.

    OMP_NUM_THREADS=2 .venv-peer/bin/python tools/torch_layer_profile.py [--model papernot-mnist] [--batch 128]
        [--operation train|grad|jac]

The call (a training step: forward, cross-entropy, backward, Nesterov SGD; a loss input gradient: autograd.grad with
respect to the input only; a Jacobian: one forward pass, ten autograd.grad) is timed on its own (median of 21 after 5
warm-up calls), then 20 calls run under torch.profiler; every operator's own CPU time is attributed to the work it
belongs to by its name and the autograd node or optimiser step it runs in, and the call's time is split by those
shares. The C library's allocator is first put in the state a process with a dataset loaded runs in
(steady_allocator).
"""
import argparse
import ctypes
import os
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.profiler import ProfilerActivity, profile

NETS = {
    # channels, image size, convolutions (kernel, padding, filters) and poolings, dense units
    "papernot-mnist": (1, 28, [(3, 0, 32), (3, 0, 32), "pool", (3, 0, 64), (3, 0, 64), "pool"], [200, 200]),
    "papernot-cifar10": (3, 32, [(3, 0, 64), (3, 0, 64), "pool", (3, 0, 128), (3, 0, 128), "pool"], [256, 256]),
    "lenet5": (1, 28, [(5, 2, 6), "pool", (5, 0, 16), "pool"], [120, 84]),
}

WORK = ["convolution forward", "convolution backward", "max pooling forward", "max pooling backward", "dense forward",
        "dense backward", "output loss, both passes", "ReLU, both passes", "dropout, both passes", "optimiser step", "rest"]


OPERATIONS = {"train": "training step", "grad": "loss input gradient", "jac": "10-class logit Jacobian"}

# mallopt(3) parameters
M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3


def steady_allocator():
    """Blocks up to 32 MiB from the heap and up to 64 MiB of freed memory kept there: the thresholds glibc's dynamic
    adjustment sets itself after a process frees a mapped block of 32 MiB, such as the float copy of MNIST's test
    images a loader converts. Without them a process that has not freed such a block maps every activation afresh
    and faults its pages in on every call (11,000 page faults per loss gradient of the Papernot MNIST net at batch
    128, against none after loading MNIST, and about a fifth fewer samples per second), which is not how PyTorch runs
    beside a dataset (`../shared/peer/torch_reference.py` loads MNIST before it serves)."""
    libc = ctypes.CDLL("libc.so.6")
    if not (libc.mallopt(M_MMAP_THRESHOLD, 32 << 20) and libc.mallopt(M_TRIM_THRESHOLD, 64 << 20)):
        raise SystemExit("mallopt refused the allocator's thresholds")


def input_grad(model, x, y):
    x = x.clone().requires_grad_(True)
    return torch.autograd.grad(F.cross_entropy(model(x), y), x)[0]


def jac_loop(model, x):
    x = x.clone().requires_grad_(True)
    z = model(x)
    return torch.stack([torch.autograd.grad(z[:, k].sum(), x, retain_graph=k < 9)[0] for k in range(10)])


def network(name):
    channels, size, convs, dense = NETS[name]
    layers, c, s = [], channels, size
    for spec in convs:
        if spec == "pool":
            layers.append(nn.MaxPool2d(2))
            s //= 2
            continue
        kernel, pad, filters = spec
        layers += [nn.Conv2d(c, filters, kernel, padding=pad), nn.ReLU()]
        c, s = filters, s + 2 * pad - kernel + 1
    layers.append(nn.Flatten())
    features = c * s * s
    for i, units in enumerate(dense):
        if name.startswith("papernot") and i == 1:  # half of the second dense layer's inputs dropped in training
            layers.append(nn.Dropout(0.5))
        layers += [nn.Linear(features, units), nn.ReLU()]
        features = units
    layers.append(nn.Linear(features, 10))
    return nn.Sequential(*layers).train(), channels, size


def work_of(event):
    """The work an operator's own time belongs to, from its name and those of the events it runs in."""
    chain = []
    e = event
    while e is not None:
        chain.append(e.name)
        e = e.cpu_parent
    text = " ".join(chain)
    if "Optimizer.step" in text:
        return "optimiser step"
    backward = "Backward" in text or "backward" in event.name
    if "onvolution" in text:
        return "convolution backward" if backward else "convolution forward"
    if "max_pool" in text or "MaxPool" in text:
        return "max pooling backward" if backward else "max pooling forward"
    if "relu" in text.lower() or "threshold_backward" in text:
        return "ReLU, both passes"
    if "dropout" in text.lower():
        return "dropout, both passes"
    if "softmax" in text.lower() or "nll_loss" in text.lower() or "NllLoss" in text or "cross_entropy" in text:
        return "output loss, both passes"
    if "addmm" in text.lower() or "mm" in event.name or "linear" in text.lower():
        return "dense backward" if backward else "dense forward"
    return "rest"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", default="papernot-mnist", choices=sorted(NETS))
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--operation", default="train", choices=sorted(OPERATIONS))
    a = p.parse_args()
    steady_allocator()
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "2")))
    torch.manual_seed(7)
    net, channels, size = network(a.model)
    x = torch.rand(a.batch, channels, size, size)
    y = torch.arange(a.batch) % 10
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.5, nesterov=True)
    loss_fn = nn.CrossEntropyLoss()

    def step():
        opt.zero_grad(set_to_none=True)
        loss_fn(net(x), y).backward()
        opt.step()

    if a.operation != "train":
        net.eval()
        step = (lambda: input_grad(net, x, y)) if a.operation == "grad" else (lambda: jac_loop(net, x))

    for _ in range(5):
        step()
    times = []
    for _ in range(21):
        t0 = time.perf_counter()
        step()
        times.append((time.perf_counter() - t0) * 1e3)
    step_ms = statistics.median(times)
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        for _ in range(20):
            step()
    own = dict.fromkeys(WORK, 0.0)
    for e in prof.events():
        own[work_of(e)] += e.self_cpu_time_total
    total = sum(own.values())
    print(f"{a.model}, batch {a.batch}: PyTorch {torch.__version__} {OPERATIONS[a.operation]} {step_ms:.1f} ms "
          f"({a.batch / step_ms * 1e3:.0f} samples/s), {torch.get_num_threads()} threads")
    print()
    print("| work | ms per call | share |")
    print("|---|---|---|")
    for w in WORK:
        print(f"| {w} | {step_ms * own[w] / total:.2f} | {100 * own[w] / total:.1f}% |")
    print(f"| whole {OPERATIONS[a.operation]} | {step_ms:.2f} | 100% |")


if __name__ == "__main__":
    main()
