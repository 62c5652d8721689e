"""PyTorch twins of ark4j's three nets, served for `ark4j bench --twins` (docs/performance.md, "The three nets against
their PyTorch twins"): the speed and memory counterpart of each net on random images, where
`../shared/peer/torch_reference.py` covers the Papernot MNIST net on MNIST with the same weights. Developer tooling,
not part of the kit.

    .venv-peer/bin/python tools/torch_twins.py serve MODEL [BATCH]

Prints "READY parameters=N" (the net's parameter count, which ark4j checks against its own), then reads "OP REPS"
lines on stdin and runs REPS batches of OP, each on one batch of seeded random images in [0, 1) with labels i mod 10,
printing one line per block: "RESULT op=OP ... samples_per_s=S peak_rss_kb=K" (the peak resident set over the block:
the kernel's counter is reset before it). OP is one of
  train     a training step of the net in training mode (dropout on): cross-entropy, backward, Nesterov SGD;
  infer     logits of the net in evaluation mode, without autograd;
  grad      the loss's gradient with respect to the input only (autograd.grad), as ark4j's gradient attacks ask for it;
  jac_loop  the 10 logits' input gradients: one forward pass, ten autograd.grad calls.
"quit" ends the server. The nets are those of tools/torch_layer_profile.py.

The C library's allocator is first put in the state a process reaches once it has freed a large block, as loading a
dataset does (torch_layer_profile.steady_allocator): PyTorch is measured as a user with data in memory runs it.
"""
import os
import sys
import time

import torch
import torch.nn.functional as F

from torch_layer_profile import NETS, input_grad, jac_loop, network, steady_allocator

BATCHES = 15


def peak_rss_kb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return -1


def reset_peak():
    """Resets the kernel's peak resident set counter (VmHWM) of this process."""
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")


def serve(name, batch):
    steady_allocator()
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "2")))
    torch.manual_seed(7)
    model, channels, size = network(name)
    model.eval()
    trainee, _, _ = network(name)
    opt = torch.optim.SGD(trainee.parameters(), lr=0.01, momentum=0.9, nesterov=True)
    batches = [(torch.rand(batch, channels, size, size), torch.arange(batch) % 10) for _ in range(BATCHES)]
    print(f"READY parameters={sum(p.numel() for p in model.parameters())}", flush=True)
    cursor = 0
    for line in sys.stdin:
        words = line.split()
        if not words or words[0] == "quit":
            break
        op, reps = words[0], int(words[1])
        reset_peak()
        t0 = time.perf_counter()
        for _ in range(reps):
            x, y = batches[cursor % BATCHES]
            cursor += 1
            if op == "train":
                opt.zero_grad(set_to_none=True)
                F.cross_entropy(trainee(x), y).backward()
                opt.step()
            elif op == "infer":
                with torch.no_grad():
                    model(x)
            elif op == "grad":
                input_grad(model, x, y)
            elif op == "jac_loop":
                jac_loop(model, x)
            else:
                raise SystemExit(f"torch_twins.py: unknown operation {op!r}; expected train, infer, grad or jac_loop")
        seconds = time.perf_counter() - t0
        print(f"RESULT op={op} reps={reps} samples={reps * batch} seconds={seconds:.4f} "
              f"samples_per_s={reps * batch / seconds:.2f} peak_rss_kb={peak_rss_kb()}", flush=True)


def main():
    if len(sys.argv) < 3 or sys.argv[1] != "serve" or sys.argv[2] not in NETS:
        raise SystemExit(f"usage: torch_twins.py serve MODEL [BATCH]; MODEL one of {', '.join(sorted(NETS))}")
    serve(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 128)


if __name__ == "__main__":
    main()
