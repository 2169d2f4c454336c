// cmd_bench.cpp - `upres bench`: how fast a registry architecture runs, and how
// much memory it needs.
//
//   upres bench --arch NAME [-s SCALE] [--size N] [--train --batch B --patch P]
//               [--device D] [--threads T] [--repeat R] [--warmup W] [--json]
//
// Inference: one N x N LR image (1 x C x N x N; a pre-upsampling network such as
// SRCNN or VDSR gets the image already enlarged, 1 x C x sN x sN), under no-grad.
// --train: one training step on B random P x P LR patches: forward, L1 loss
// against a random HR batch, backward, Adam step (zero_grad included).
// Weights and inputs are random (the timing does not depend on their values).
// W warm-up runs, then R timed runs; the median and the minimum are reported.
//
// FLOPs: the multiply-adds of every conv2d / conv_transpose2d of one forward,
// counted off the autograd graph of a forward with gradients on (each node named
// "conv2d" carries its input and weight; its output is the tensor it produced):
//   conv2d           MACs = numel(y) * (Cin/groups) * KH * KW   (weight [Cout, Cin/g, KH, KW])
//   conv_transpose2d MACs = numel(x) * (Cout/groups) * KH * KW  (weight [Cin, Cout/g, KH, KW])
// gflop = 2 * MACs / 1e9 (one multiply-add = 2 FLOPs; other ops - activations,
// pixel shuffle, additions - are left out). Training step convention: 3 x the
// forward (forward + backward-data + backward-weight, each about one forward).
//
// Memory: "peak_bytes" is the engine's high-water mark of tensor bytes on the
// device during the timed runs (engine/allocator.h; parameters and the Adam state
// included); "peak_rss_bytes" is the whole process's peak resident set size
// (getrusage ru_maxrss) - the number to compare with another framework's process.
// "threads" echoes --threads (0: OpenMP's default, all cores).
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "apps/upres/cli.h"
#include "engine/allocator.h"
#include "engine/autograd.h"
#include "engine/dispatch.h"
#include "engine/error.h"
#include "engine/json.h"
#include "engine/ops/reduce.h"
#include "engine/ops/shape.h"
#include "engine/optim.h"
#include "engine/rng.h"
#include "models/registry.h"

namespace upres::cli {

namespace {

const std::vector<OptionSpec> kSpecs = {
    {"arch", "a", true, "architecture name from the registry (e.g. espcn, edsr-baseline)"},
    {"scale", "s", true, "upscaling factor (default: the architecture's default)"},
    {"size", "", true, "inference: side N of the N x N LR input (default 256)"},
    {"train", "", false, "time one training step (forward, L1, backward, Adam) instead of inference"},
    {"batch", "", true, "training: patches per batch (default 16)"},
    {"patch", "", true, "training: side P of the P x P LR patches (default 48)"},
    {"device", "", true, "cpu (default), cuda or simt"},
    {"threads", "t", true, "CPU threads (default: all)"},
    {"repeat", "", true, "timed runs (default 10)"},
    {"warmup", "", true, "untimed runs first (default 2)"},
    {"json", "", false, "print one JSON object instead of text"},
    {"help", "h", false, "show this help"},
};

// Multiply-adds of the convolutions in the graph that produced `out`.
double count_conv_macs(const Tensor& out) {
  double macs = 0;
  std::set<const Node*> seen;
  std::vector<Tensor> todo = {out};
  while (!todo.empty()) {
    Tensor t = todo.back();
    todo.pop_back();
    const std::shared_ptr<Node>& n = t.grad_fn();
    if (!n || !seen.insert(n.get()).second) continue;
    if ((n->op == "conv2d" || n->op == "conv_transpose2d") && n->inputs.size() >= 2) {
      const Tensor& w = n->inputs[1];
      const double per = static_cast<double>(w.size(1) * w.size(2) * w.size(3));
      macs += per * static_cast<double>(n->op == "conv2d" ? t.numel() : n->inputs[0].numel());
    }
    for (const Tensor& in : n->inputs)
      if (in.defined()) todo.push_back(in);
  }
  return macs;
}

double peak_rss_bytes() {
  struct rusage ru {};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_maxrss) * 1024.0;  // Linux reports KiB
}

}  // namespace

int cmd_bench(int argc, char** argv) {
  Args a(kSpecs, argc, argv, 1);
  if (a.has("help")) {
    std::cout << "usage: upres bench --arch NAME [-s SCALE] [--size N] [--train --batch B --patch P] [--json]\n\n"
                 "Times inference of one N x N LR image (or one training step) after warm-up: median and\n"
                 "minimum of the repeats, GFLOP (2 x conv multiply-adds; training 3 x forward), peak memory.\n\n"
              << describe_options(kSpecs);
    return 0;
  }
  const std::string arch = a.require("arch");
  const models::ArchSpec* spec = nullptr;
  try {
    spec = &models::find_arch(arch);
  } catch (const Error& e) {
    throw UsageError(std::string("option --arch: ") + e.what());
  }
  models::Hyper over;
  if (a.has("scale")) over["scale"] = std::to_string(a.get_int("scale", 2, 1, 16));
  const bool train = a.has("train");
  const int64_t size = a.get_int("size", 256, 1, 1 << 15);
  const int64_t batch = a.get_int("batch", 16, 1, 1 << 12);
  const int64_t patch = a.get_int("patch", 48, 1, 1 << 12);
  const int repeat = static_cast<int>(a.get_int("repeat", 10, 1, 100000));
  const int warmup = static_cast<int>(a.get_int("warmup", 2, 0, 100000));
  const int threads = static_cast<int>(a.get_int("threads", 0, 0, 1024));
  set_cpu_threads(threads);
  const Device dev = device_option(a);

  Rng rng(1234);
  std::shared_ptr<models::SRNetwork> net = models::build_network(spec->name, over, rng);
  net->to(dev);
  const int64_t s = net->scale(), c = net->channels();
  const int64_t n = train ? batch : 1, lr = train ? patch : size;
  const int64_t in_side = net->pre_upsampling() ? lr * s : lr;
  const Tensor x = Tensor::uniform({n, c, in_side, in_side}, 0.f, 1.f, rng, dev);
  const Tensor target = train ? Tensor::uniform({n, c, lr * s, lr * s}, 0.f, 1.f, rng, dev) : Tensor();

  // FLOPs from one forward with gradients on (parameters require grad). For
  // inference the counting forward runs on a small input (LR side <= 32) and is
  // scaled by the pixel ratio - exact, since every conv's output size is
  // proportional to the input's - so its graph, which holds every activation,
  // does not inflate the process's peak RSS (VDSR at 512^2: 2.4 GB instead of 0.2).
  double macs = 0;
  {
    net->train(train);
    if (train) {
      macs = count_conv_macs(net->forward(x));
    } else {
      const int64_t small = std::min<int64_t>(lr, 32), small_side = net->pre_upsampling() ? small * s : small;
      const Tensor xs = narrow(narrow(x, 2, 0, small_side), 3, 0, small_side);
      const double ratio = static_cast<double>(lr) * lr / (static_cast<double>(small) * small);
      macs = count_conv_macs(net->forward(xs)) * ratio;
    }
  }
  const double gflop = 2.0 * macs * (train ? 3.0 : 1.0) / 1e9;

  std::unique_ptr<Adam> opt;
  if (train) opt = std::make_unique<Adam>(net->parameters(), AdamOptions{});
  auto run_once = [&]() {
    if (train) {
      opt->zero_grad();
      Tensor loss = l1_loss(net->forward(x), target);
      loss.backward();
      opt->step();
      (void)loss.item();  // waits for a device backend to finish
    } else {
      NoGradGuard ng;
      Tensor y = net->forward(x);
      if (dev != Device::cpu) (void)y.to(Device::cpu);  // waits for the device to finish
    }
  };
  for (int i = 0; i < warmup; ++i) run_once();
  Allocator& alloc = allocator_for(dev);
  alloc.reset_peak();
  std::vector<double> ms;
  for (int i = 0; i < repeat; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    run_once();
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  std::vector<double> sorted = ms;
  std::sort(sorted.begin(), sorted.end());
  const size_t k = sorted.size();
  const double median = k % 2 ? sorted[k / 2] : 0.5 * (sorted[k / 2 - 1] + sorted[k / 2]);
  const double min_ms = sorted.front();
  const double gflops = median > 0 ? gflop / (median / 1e3) : 0.0;
  const double peak = static_cast<double>(alloc.peak_bytes()), rss = peak_rss_bytes();

  if (a.has("json")) {
    json::Value o = json::Value::object();
    o.set("arch", spec->name);
    o.set("scale", s);
    o.set("mode", train ? "train" : "inference");
    o.set("device", to_string(dev));
    o.set("threads", threads);
    json::Value shape = json::Value::array();
    for (int64_t d : x.shape()) shape.push_back(d);
    o.set("input", shape);
    o.set("median_ms", median);
    o.set("min_ms", min_ms);
    o.set("runs", repeat);
    o.set("gflop", gflop);
    o.set("gflops", gflops);
    o.set("peak_bytes", static_cast<int64_t>(alloc.peak_bytes()));
    o.set("peak_rss_bytes", static_cast<int64_t>(rss));
    std::cout << json::dump(o) << "\n";
  } else {
    std::printf("%s x%lld %s on %s, input %s\n", spec->name.c_str(), static_cast<long long>(s),
                train ? "training step" : "inference", to_string(dev), x.describe().c_str());
    std::printf("median %.3f ms, min %.3f ms over %d runs (%d warm-up)\n", median, min_ms, repeat, warmup);
    std::printf("%.4f GFLOP (2 x conv MACs%s), %.2f GFLOP/s\n", gflop, train ? ", x3 for a training step" : "",
                gflops);
    std::printf("peak tensor bytes %.0f (engine allocator), peak RSS %.0f bytes (process)\n", peak, rss);
  }
  return 0;
}

}  // namespace upres::cli
