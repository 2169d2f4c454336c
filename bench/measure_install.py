#!/usr/bin/env python3
"""measure_install.py - stripped sizes of the installed tool and libraries, and
the start-up time of `upres upscale` with the default model (bench/RESULTS.md).

    python3 bench/measure_install.py PREFIX [RUNS]

PREFIX is a `cmake --install` prefix. Start-up: wall time from process start to
exit of `upres upscale` on a 16x16 image (one tile: the time to the first
upscaled tile, plus writing a 32x32 PNG) and on samples/sample.png (160x120,
one tile), RUNS runs each (default 21), median and quartiles of the wall
time and the median CPU time (user + sys, less disturbed by other load),
with 1 thread and with all cores. No hyperfine here,
so a plain loop with time.perf_counter.
"""
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

prefix = sys.argv[1]
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 21
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
tmp = tempfile.mkdtemp(prefix="upres_measure_")


def stripped(path, flag):
    out = os.path.join(tmp, os.path.basename(path))
    shutil.copy(path, out)
    subprocess.run(["strip", flag, out], check=True)
    return os.path.getsize(path), os.path.getsize(out)


print("| file | size | stripped |")
print("| --- | --- | --- |")
for rel, flag in [("bin/upres", "-s"), ("lib/libupres.so", "-s"), ("lib/libupres.a", "--strip-debug"),
                  ("lib/libupres_simt.a", "--strip-debug")]:
    path = os.path.realpath(os.path.join(prefix, rel))
    full, small = stripped(path, flag)
    print(f"| {rel} ({flag}) | {full / 2**20:.2f} MiB | {small / 2**20:.2f} MiB |")

tool = os.path.join(prefix, "bin", "upres")
small_png = os.path.join(tmp, "in16.png")
# A 16x16 crop made by the tool itself is not available; write one with PIL when present.
try:
    from PIL import Image
    Image.open(os.path.join(root, "samples", "sample.png")).crop((0, 0, 16, 16)).save(small_png)
except ImportError:
    small_png = None

for name, src in [("16x16", small_png), ("160x120 sample.png", os.path.join(root, "samples", "sample.png"))]:
    if not src:
        continue
    for threads in ["1", "0"]:  # 0: all cores
        times, cpu = [], []
        for _ in range(runs):
            r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.perf_counter()
            subprocess.run([tool, "upscale", "-i", src, "-o", os.path.join(tmp, "o.png"), "-t", threads], check=True)
            times.append(time.perf_counter() - t0)
            r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu.append(r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime)
        q = statistics.quantiles(times, n=4)
        print(f"start-up {name}, --threads {threads}: wall median {statistics.median(times) * 1e3:.1f} ms "
              f"(quartiles {q[0] * 1e3:.1f} - {q[2] * 1e3:.1f} ms), CPU time median "
              f"{statistics.median(cpu) * 1e3:.1f} ms, {runs} runs")
shutil.rmtree(tmp)
