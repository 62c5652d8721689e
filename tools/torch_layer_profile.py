"""Where a PyTorch training step's time goes, by kind of work, for the twins of ark4j's nets: the counterpart of
`ark4j bench --layers` (docs/performance.md, "Where a training step's time goes"). Developer tooling, not part of the kit.

    OMP_NUM_THREADS=2 .venv-peer/bin/python tools/torch_layer_profile.py [--model papernot-mnist] [--batch 128]

The step (forward, cross-entropy, backward, Nesterov SGD) is timed on its own (median of 21 after 5 warm-up steps),
then 20 steps run under torch.profiler; every operator's own CPU time is attributed to the work it belongs to by its
name and the autograd node or optimiser step it runs in, and the step's time is split by those shares.
"""
import argparse
import os
import statistics
import time

import torch
import torch.nn as nn
from torch.profiler import ProfilerActivity, profile

NETS = {
    # channels, image size, convolutions (kernel, padding, filters) and poolings, dense units
    "papernot-mnist": (1, 28, [(3, 0, 32), (3, 0, 32), "pool", (3, 0, 64), (3, 0, 64), "pool"], [200, 200]),
    "papernot-cifar10": (3, 32, [(3, 0, 64), (3, 0, 64), "pool", (3, 0, 128), (3, 0, 128), "pool"], [256, 256]),
    "lenet5": (1, 28, [(5, 2, 6), "pool", (5, 0, 16), "pool"], [120, 84]),
}

WORK = ["convolution forward", "convolution backward", "max pooling forward", "max pooling backward", "dense forward",
        "dense backward", "output loss, both passes", "ReLU, both passes", "dropout, both passes", "optimiser step", "rest"]


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
    a = p.parse_args()
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
    print(f"{a.model}, batch {a.batch}: PyTorch {torch.__version__} training step {step_ms:.1f} ms "
          f"({a.batch / step_ms * 1e3:.0f} samples/s), {torch.get_num_threads()} threads")
    print()
    print("| work | ms per step | share |")
    print("|---|---|---|")
    for w in WORK:
        print(f"| {w} | {step_ms * own[w] / total:.2f} | {100 * own[w] / total:.1f}% |")
    print(f"| whole step | {step_ms:.2f} | 100% |")


if __name__ == "__main__":
    main()
