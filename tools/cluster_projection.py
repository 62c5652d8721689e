#!/usr/bin/env python3
"""Projected wall time of the full CIFAR-10 distillation sweep and detection run on W workers, from per-unit times.

Simulates what `reproduce --master` does: a unit's job is submitted when the units it reads have landed, and a free
worker (one unit at a time) takes the earliest submitted job (Spark's FIFO scheduler); the driver's own part runs
after the last unit. Per-unit minutes are measured on a 2-core machine (docs/cluster.md gives the commands); pass
other ones to project another machine.

    python3 tools/cluster_projection.py [--unit-min 22 47] [--baseline-shard-min 0.43] [--student-shard-min 1.1]
"""
import argparse


def simulate(jobs, workers):
    """jobs: name -> (minutes, [names it reads]), in submission order; returns the minute the last job ends."""
    done = {}
    free = [0.0] * workers  # when each worker is next free
    names = list(jobs)
    while len(done) < len(jobs):
        free.sort()
        now = free[0]
        ready = []  # (when its reads have all landed, order, name)
        for i, n in enumerate(names):
            if n not in done and all(r in done for r in jobs[n][1]):
                ready.append((max((done[r] for r in jobs[n][1]), default=0.0), i, n))
        now_ready = [j for j in ready if j[0] <= now]
        if not now_ready:
            # the worker waits for the next job to be released
            free[0] = min(j[0] for j in ready)
            continue
        _, _, n = min(now_ready)
        done[n] = now + jobs[n][0]
        free[0] = done[n]
    return max(done.values())


def sweep(unit, baseline_shard, student_shard, temperatures=9, shards=10):
    jobs = {"baseline": (0.0, [])}  # the 50-epoch net ships with the kit: a cache hit
    for t in range(temperatures):
        jobs[f"T{t}"] = (unit, [])
    for s in range(shards):
        jobs[f"baseline/{s}"] = (baseline_shard, ["baseline"])
    for t in range(temperatures):
        for s in range(shards):
            jobs[f"T{t}/{s}"] = (student_shard, [f"T{t}"])
    return jobs


def detection(attacks_total, labels_total, attacks=40, label_shards=25):
    """The CIFAR-10 detection run: four attacks in ten shards of 100 seeds each, then five sources' label changes in five
    shards of 100 mutants each."""
    jobs = {"model": (0.0, [])}
    for a in range(attacks):
        jobs[f"attack{a}"] = (attacks_total / attacks, ["model"])
    for s in range(label_shards):
        jobs[f"labels{s}"] = (labels_total / label_shards, ["model"] + [f"attack{a}" for a in range(attacks)])
    return jobs


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--unit-min", type=float, nargs="+", default=[22, 47], help="minutes of one temperature's teacher and student")
    p.add_argument("--baseline-shard-min", type=float, default=0.43, help="minutes of one shard of the undistilled net")
    p.add_argument("--student-shard-min", type=float, default=1.1, help="minutes of one shard of a distilled student")
    p.add_argument("--driver-min", type=float, default=1.5, help="minutes of the driver's part after the units")
    p.add_argument("--attacks-min", type=float, default=36, help="minutes of the detection's attacks and mutants together")
    p.add_argument("--labels-min", type=float, default=198, help="minutes of the detection's label changes, all sources")
    a = p.parse_args()
    print("| workers | CIFAR-10 sweep | detection run |")
    print("|---|---|---|")
    for w in (1, 4, 10, 20):
        sweep_min = [simulate(sweep(u, a.baseline_shard_min, a.student_shard_min), w) + a.driver_min for u in a.unit_min]
        det = simulate(detection(a.attacks_min, a.labels_min), w) + a.driver_min
        print(f"| {w} | {' – '.join(minutes(m) for m in sweep_min)} | {minutes(det)} |")


def minutes(m):
    return f"{m / 60:.1f} h" if m >= 90 else f"{m:.0f} min"


if __name__ == "__main__":
    main()
