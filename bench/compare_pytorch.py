#!/usr/bin/env python3
"""compare_pytorch.py - upres against PyTorch, side by side, on this machine.

Runs SRCNN, FSRCNN, ESPCN, VDSR and EDSR-baseline (upres's registry defaults,
models/*.cpp) in PyTorch on the CPU and with `upres bench`, with the same thread
count, and prints a table of time ratios upres / PyTorch (below 1: upres faster):
  inference of one 256 x 256 LR image at x2 and x4 (SRCNN and VDSR get the
  bicubic-enlarged image, as upres does), and one training step at x2 (batch 16 of
  48 x 48 LR patches: forward, L1 loss, backward, Adam step).
Each measurement runs in a fresh process (both sides), so peak RSS (ru_maxrss)
compares the memory of the two processes; times are medians of --repeat runs
after --warmup runs.

An optional tool, never a test dependency (needs torch):
  nice python3 bench/compare_pytorch.py --upres build/release/upres --threads 2
  python3 bench/compare_pytorch.py --only espcn --quick   # a fast smoke run
Only configuration subprocess mode (--worker) is used internally.
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time

ARCHS = ["srcnn", "fsrcnn", "espcn", "vdsr", "edsr-baseline"]


def build_torch_net(arch, scale):
    import torch
    from torch import nn

    class Srcnn(nn.Module):  # f1 64, f2 32, kernels 9-5-5, luma
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 64, 9, padding=4)
            self.conv2 = nn.Conv2d(64, 32, 5, padding=2)
            self.conv3 = nn.Conv2d(32, 1, 5, padding=2)

        def forward(self, x):
            return self.conv3(torch.relu(self.conv2(torch.relu(self.conv1(x)))))

    class Fsrcnn(nn.Module):  # d 56, s 12, m 4, PReLU, 9x9 deconv (stride s, pad 4, output_padding s-1)
        def __init__(self, s):
            super().__init__()
            d, sh, m = 56, 12, 4
            self.first = nn.Sequential(nn.Conv2d(1, d, 5, padding=2), nn.PReLU(d))
            mid = [nn.Conv2d(d, sh, 1), nn.PReLU(sh)]
            for _ in range(m):
                mid += [nn.Conv2d(sh, sh, 3, padding=1), nn.PReLU(sh)]
            mid += [nn.Conv2d(sh, d, 1), nn.PReLU(d)]
            self.mid = nn.Sequential(*mid)
            self.last = nn.ConvTranspose2d(d, 1, 9, stride=s, padding=4, output_padding=s - 1)

        def forward(self, x):
            return self.last(self.mid(self.first(x)))

    class Espcn(nn.Module):  # features 64, 32, tanh, pixel shuffle, luma
        def __init__(self, s):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 64, 5, padding=2)
            self.conv2 = nn.Conv2d(64, 32, 3, padding=1)
            self.conv3 = nn.Conv2d(32, s * s, 3, padding=1)
            self.shuffle = nn.PixelShuffle(s)

        def forward(self, x):
            return self.shuffle(self.conv3(torch.tanh(self.conv2(torch.tanh(self.conv1(x))))))

    class Vdsr(nn.Module):  # 64 features, depth 20, no bias, global residual, luma
        def __init__(self):
            super().__init__()
            layers = [nn.Conv2d(1, 64, 3, padding=1, bias=False), nn.ReLU()]
            for _ in range(18):
                layers += [nn.Conv2d(64, 64, 3, padding=1, bias=False), nn.ReLU()]
            layers += [nn.Conv2d(64, 1, 3, padding=1, bias=False)]
            self.body = nn.Sequential(*layers)

        def forward(self, x):
            return self.body(x) + x

    class Block(nn.Module):
        def __init__(self, nf):
            super().__init__()
            self.conv1 = nn.Conv2d(nf, nf, 3, padding=1)
            self.conv2 = nn.Conv2d(nf, nf, 3, padding=1)

        def forward(self, x):
            return x + self.conv2(torch.relu(self.conv1(x)))

    class EdsrBaseline(nn.Module):  # 64 features, 16 blocks, res_scale 1, img_range 255, RGB
        def __init__(self, s, nf=64, nb=16):
            super().__init__()
            self.mean = torch.tensor([0.4488, 0.4371, 0.4040]).view(1, 3, 1, 1)
            self.conv_first = nn.Conv2d(3, nf, 3, padding=1)
            self.body = nn.Sequential(*[Block(nf) for _ in range(nb)])
            self.conv_after_body = nn.Conv2d(nf, nf, 3, padding=1)
            up = []
            if s == 3:
                up = [nn.Conv2d(nf, 9 * nf, 3, padding=1), nn.PixelShuffle(3)]
            else:
                for _ in range({2: 1, 4: 2, 8: 3}[s]):
                    up += [nn.Conv2d(nf, 4 * nf, 3, padding=1), nn.PixelShuffle(2)]
            self.upsample = nn.Sequential(*up)
            self.conv_last = nn.Conv2d(nf, 3, 3, padding=1)

        def forward(self, x):
            h = self.conv_first((x - self.mean) * 255.0)
            res = self.conv_after_body(self.body(h)) + h
            return self.conv_last(self.upsample(res)) / 255.0 + self.mean

    nets = {"srcnn": lambda: (Srcnn(), 1, True), "fsrcnn": lambda: (Fsrcnn(scale), 1, False),
            "espcn": lambda: (Espcn(scale), 1, False), "vdsr": lambda: (Vdsr(), 1, True),
            "edsr-baseline": lambda: (EdsrBaseline(scale), 3, False)}
    return nets[arch]()


def rss_bytes():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def torch_worker(cfg):
    """One configuration in this (fresh) process; prints one JSON line."""
    import torch
    torch.set_num_threads(cfg["threads"])
    torch.manual_seed(0)
    net, c, pre = build_torch_net(cfg["arch"], cfg["scale"])
    s = cfg["scale"]
    if cfg["train"]:
        n, side = cfg["batch"], cfg["patch"]
    else:
        n, side = 1, cfg["size"]
    in_side = side * s if pre else side
    x = torch.rand(n, c, in_side, in_side)
    if cfg["train"]:
        target = torch.rand(n, c, side * s, side * s)
        opt = torch.optim.Adam(net.parameters())

        def run():
            opt.zero_grad()
            loss = torch.nn.functional.l1_loss(net(x), target)
            loss.backward()
            opt.step()
    else:
        def run():
            with torch.no_grad():
                net(x)
    for _ in range(cfg["warmup"]):
        run()
    ms = []
    for _ in range(cfg["repeat"]):
        t0 = time.perf_counter()
        run()
        ms.append((time.perf_counter() - t0) * 1e3)
    print(json.dumps({"median_ms": statistics.median(ms), "min_ms": min(ms), "peak_rss_bytes": rss_bytes(),
                      "torch": torch.__version__}))


def run_json(cmd, env):
    out = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--upres", default="build/release/upres", help="the upres binary")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--size", type=int, default=256)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--patch", type=int, default=48)
    ap.add_argument("--only", nargs="*", default=ARCHS, help="architectures to run")
    ap.add_argument("--quick", action="store_true", help="tiny sizes (size 32, batch 2, patch 16), 2 repeats")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.worker:
        torch_worker(json.loads(a.worker))
        return
    if a.quick:
        a.size, a.batch, a.patch, a.repeat, a.warmup = 32, 2, 16, 2, 1
    env = dict(os.environ, OMP_NUM_THREADS=str(a.threads), OMP_WAIT_POLICY="PASSIVE")

    rows = []
    configs = [(arch, s, False) for arch in a.only for s in (2, 4)] + [(arch, 2, True) for arch in a.only]
    for arch, s, train in configs:
        cfg = {"arch": arch, "scale": s, "train": train, "size": a.size, "batch": a.batch, "patch": a.patch,
               "threads": a.threads, "repeat": a.repeat, "warmup": a.warmup}
        up_cmd = [a.upres, "bench", "--arch", arch, "-s", str(s), "--threads", str(a.threads),
                  "--repeat", str(a.repeat), "--warmup", str(a.warmup), "--json"]
        up_cmd += ["--train", "--batch", str(a.batch), "--patch", str(a.patch)] if train else ["--size", str(a.size)]
        up = run_json(up_cmd, env)
        pt = run_json([sys.executable, __file__, "--worker", json.dumps(cfg)], env)
        mode = f"train b{a.batch} p{a.patch}" if train else f"infer {a.size}^2"
        rows.append((arch, s, mode, up, pt))
        print(f"{arch:14s} x{s} {mode:16s} upres {up['median_ms']:9.1f} ms  torch {pt['median_ms']:9.1f} ms  "
              f"ratio {up['median_ms'] / pt['median_ms']:5.2f}  {up['gflops']:6.1f} GFLOP/s  "
              f"RSS {up['peak_rss_bytes'] / 2**20:7.1f} / {pt['peak_rss_bytes'] / 2**20:7.1f} MiB", flush=True)

    print(f"\n| network | scale | mode | upres ms | PyTorch ms | ratio | upres GFLOP/s | upres RSS MiB | "
          f"PyTorch RSS MiB |  (torch {rows[0][4]['torch'] if rows else '?'}, {a.threads} threads)")
    print("|---|---|---|---|---|---|---|---|---|")
    for arch, s, mode, up, pt in rows:
        print(f"| {arch} | x{s} | {mode} | {up['median_ms']:.1f} | {pt['median_ms']:.1f} | "
              f"{up['median_ms'] / pt['median_ms']:.2f} | {up['gflops']:.1f} | {up['peak_rss_bytes'] / 2**20:.0f} | "
              f"{pt['peak_rss_bytes'] / 2**20:.0f} |")


if __name__ == "__main__":
    main()
