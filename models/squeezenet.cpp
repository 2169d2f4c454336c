// squeezenet.cpp - SqueezeNet v1.0 features (layout and preprocessing in squeezenet.h).
//
// Cost for a 227x227 input (multiply-adds): conv1 111*111*96*147 = 174 M, the
// eight fire modules about 520 M together, the classifier 13*13*512*1000 = 87 M;
// about 0.8 GMAC in all, some 1.6 GFLOP. A 64x64 input needs 13 times less.
#include "models/squeezenet.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "engine/error.h"
#include "engine/ops.h"
#include "engine/safetensors.h"

namespace upres::models {

namespace {

struct Fire {
  int index;           // torchvision features.K
  const char* name;    // upres name
  int64_t in, squeeze, expand;  // expand1x1 and expand3x3 have `expand` channels each
};

// The fire modules of squeezenet1_0, in forward order.
const Fire kFires[] = {{3, "fire2", 96, 16, 64},     {4, "fire3", 128, 16, 64},
                       {5, "fire4", 128, 32, 128},   {7, "fire5", 256, 32, 128},
                       {8, "fire6", 256, 48, 192},   {9, "fire7", 384, 48, 192},
                       {10, "fire8", 384, 64, 256},  {12, "fire9", 512, 64, 256}};

// The forward as a list of stages; a pool stage sits before fire2, fire5 and fire9.
const char* const kLayers[] = {"conv1", "pool1", "fire2", "fire3", "fire4", "pool4",
                               "fire5", "fire6", "fire7", "fire8", "pool8", "fire9"};

}  // namespace

Tensor max_pool2d_ceil(const Tensor& x, int64_t kernel, int64_t stride) {
  UPRES_CHECK(x.dim() == 4 && x.size(2) >= kernel && x.size(3) >= kernel, "max_pool2d_ceil: input ",
              to_string(x.shape()), " must be [N, C, H, W] with H and W at least the kernel size ", kernel);
  auto out = [&](int64_t n) { return (n - kernel + stride - 1) / stride + 1; };  // ceil((n - k) / s) + 1
  const int64_t extra_h = (out(x.size(2)) - 1) * stride + kernel - x.size(2);
  const int64_t extra_w = (out(x.size(3)) - 1) * stride + kernel - x.size(3);
  if (extra_h == 0 && extra_w == 0) return max_pool2d(x, kernel, stride);
  const float ninf = -std::numeric_limits<float>::infinity();
  return max_pool2d(pad(x, 0, extra_w, 0, extra_h, PadMode::zero, ninf), kernel, stride);
}

SqueezeNet::SqueezeNet() {
  register_buffer("features.0.weight", Tensor::zeros({96, 3, 7, 7}));
  register_buffer("features.0.bias", Tensor::zeros({96}));
  for (const Fire& f : kFires) {
    const std::string p = "features." + std::to_string(f.index) + ".";
    register_buffer(p + "squeeze.weight", Tensor::zeros({f.squeeze, f.in, 1, 1}));
    register_buffer(p + "squeeze.bias", Tensor::zeros({f.squeeze}));
    register_buffer(p + "expand1x1.weight", Tensor::zeros({f.expand, f.squeeze, 1, 1}));
    register_buffer(p + "expand1x1.bias", Tensor::zeros({f.expand}));
    register_buffer(p + "expand3x3.weight", Tensor::zeros({f.expand, f.squeeze, 3, 3}));
    register_buffer(p + "expand3x3.bias", Tensor::zeros({f.expand}));
  }
  register_buffer("classifier.1.weight", Tensor::zeros({1000, 512, 1, 1}));
  register_buffer("classifier.1.bias", Tensor::zeros({1000}));
}

std::shared_ptr<SqueezeNet> SqueezeNet::from_file(const std::string& path) {
  auto net = std::make_shared<SqueezeNet>();
  load_state_dict(*net, read_safetensors(path).tensor_map(), /*strict=*/true);
  return net;
}

std::vector<std::string> SqueezeNet::layers() { return {std::begin(kLayers), std::end(kLayers)}; }

Tensor SqueezeNet::preprocess(const Tensor& rgb01) {
  UPRES_CHECK(rgb01.dim() == 4 && rgb01.size(1) == 3, "squeezenet1_0: input ", to_string(rgb01.shape()),
              ", expected [N, 3, H, W] RGB in [0, 1]");
  // out channel o (B, G, R) = 255 * in channel (2 - o) - mean[o]: one 1x1 convolution.
  std::vector<float> w(9, 0.0f);
  for (int o = 0; o < 3; ++o) w[static_cast<size_t>(o * 3 + (2 - o))] = 255.0f;
  Tensor weight = Tensor::from_vector({3, 3, 1, 1}, w).to(rgb01.device());
  Tensor bias = Tensor::from_vector({3}, {-104.0f, -117.0f, -123.0f}).to(rgb01.device());
  return conv2d(rgb01, weight, bias);
}

std::vector<Tensor> SqueezeNet::features(const Tensor& x, const std::vector<std::string>& layers) {
  const std::vector<std::string> names = layer_names();
  size_t deepest = 0;
  for (const std::string& l : layers) {
    auto it = std::find(names.begin(), names.end(), l);
    if (it == names.end()) {
      std::string all;
      for (const std::string& n : names) all += (all.empty() ? "" : ", ") + n;
      UPRES_FAIL("squeezenet1_0: unknown layer '", l, "'; expected one of ", all);
    }
    deepest = std::max(deepest, static_cast<size_t>(it - names.begin()));
  }
  std::map<std::string, Tensor> buf;
  for (auto& [n, t] : named_buffers()) buf[n] = t;
  auto conv = [&](const Tensor& in, const std::string& key, int64_t stride, int64_t pad) {
    return conv2d(in, buf.at(key + ".weight"), buf.at(key + ".bias"), ConvParams::make(stride, pad));
  };
  std::map<std::string, Tensor> taps;
  Tensor h = preprocess(x);  // checks [N, 3, H, W]
  UPRES_CHECK(x.size(2) >= 15 && x.size(3) >= 15, "squeezenet1_0: input ", to_string(x.shape()),
              " is too small; expected H and W of at least 15 (better 64 or more)");
  int fire = 0;
  for (size_t i = 0; i <= deepest && !layers.empty(); ++i) {
    const std::string& n = names[i];
    if (n == "conv1") {
      h = relu(conv(h, "features.0", 2, 0));
    } else if (n.rfind("pool", 0) == 0) {
      h = max_pool2d_ceil(h, 3, 2);
    } else {
      const std::string p = "features." + std::to_string(kFires[fire++].index);
      Tensor s = relu(conv(h, p + ".squeeze", 1, 0));
      h = concat({relu(conv(s, p + ".expand1x1", 1, 0)), relu(conv(s, p + ".expand3x3", 1, 1))}, 1);
    }
    taps[n] = h;
  }
  std::vector<Tensor> out;
  for (const std::string& l : layers) out.push_back(taps.at(l));
  return out;
}

Tensor SqueezeNet::logits(const Tensor& x) {
  Tensor f = features(x, {"fire9"})[0];
  std::map<std::string, Tensor> buf;
  for (auto& [n, t] : named_buffers()) buf[n] = t;
  Tensor c = relu(conv2d(f, buf.at("classifier.1.weight"), buf.at("classifier.1.bias")));
  return mean(c, {2, 3});  // [N, 1000]
}

}  // namespace upres::models
