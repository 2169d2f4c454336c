// vgg.cpp - VGG16/19 features (layout in vgg.h).
//
// Cost: every 3x3 conv costs H*W*Cin*Cout*9 multiply-adds at its resolution; for
// a 128x128 input VGG19 up to relu5_4 is about 6.5 GMAC, a quarter of it in
// block 1 alone. Perceptual losses usually stop at block 4 or 5.
#include "models/vgg.h"

#include <algorithm>
#include <map>

#include "engine/error.h"
#include "engine/ops.h"
#include "engine/safetensors.h"

namespace upres::models {

VGG::VGG(int depth) : depth_(depth) {
  UPRES_CHECK(depth == 16 || depth == 19, "vgg: depth ", depth, " is not supported; expected 16 or 19");
  const int convs16[5] = {2, 2, 3, 3, 3}, convs19[5] = {2, 2, 4, 4, 4};
  const int widths[5] = {64, 128, 256, 512, 512};
  int index = 0;  // torchvision's features.N counter: conv, relu, ..., pool
  int64_t in = 3;
  for (int b = 0; b < 5; ++b) {
    const int n = depth == 16 ? convs16[b] : convs19[b];
    for (int i = 1; i <= n; ++i) {
      const std::string tag = std::to_string(b + 1) + "_" + std::to_string(i);
      const std::string key = "features." + std::to_string(index);
      register_buffer(key + ".weight", Tensor::zeros({widths[b], in, 3, 3}));
      register_buffer(key + ".bias", Tensor::zeros({widths[b]}));
      stages_.push_back({"conv" + tag, 0, index});
      stages_.push_back({"relu" + tag, 1, index + 1});
      index += 2;
      in = widths[b];
    }
    stages_.push_back({"pool" + std::to_string(b + 1), 2, index});
    ++index;
  }
}

std::shared_ptr<VGG> VGG::from_file(int depth, const std::string& path) {
  auto net = std::make_shared<VGG>(depth);
  LoadReport r = load_state_dict(*net, read_safetensors(path).tensor_map(), /*strict=*/false);
  UPRES_CHECK(r.missing.empty() && r.mismatched.empty(), "vgg", depth, ": '", path,
              "' is not a torchvision vgg", depth, " state_dict:\n", r.describe());
  return net;
}

std::vector<std::string> VGG::layers(int depth) {
  UPRES_CHECK(depth == 16 || depth == 19, "vgg: depth ", depth, " is not supported; expected 16 or 19");
  std::vector<std::string> n;
  for (int b = 1; b <= 5; ++b) {
    const int convs = b <= 2 ? 2 : (depth == 16 ? 3 : 4);
    for (int i = 1; i <= convs; ++i) {
      const std::string tag = std::to_string(b) + "_" + std::to_string(i);
      n.push_back("conv" + tag);
      n.push_back("relu" + tag);
    }
    n.push_back("pool" + std::to_string(b));
  }
  return n;
}

Tensor VGG::preprocess(const Tensor& rgb01) {
  UPRES_CHECK(rgb01.dim() == 4 && rgb01.size(1) == 3, "vgg: input ", to_string(rgb01.shape()),
              ", expected [N, 3, H, W] RGB in [0, 1]");
  const float mean[3] = {0.485f, 0.456f, 0.406f}, stdev[3] = {0.229f, 0.224f, 0.225f};
  std::vector<float> w(9, 0.0f), b(3);
  for (int c = 0; c < 3; ++c) {
    w[static_cast<size_t>(c * 4)] = 1.0f / stdev[c];
    b[static_cast<size_t>(c)] = -mean[c] / stdev[c];
  }
  // A diagonal 1x1 convolution: (x - mean) / std, differentiable on every device.
  return conv2d(rgb01, Tensor::from_vector({3, 3, 1, 1}, w).to(rgb01.device()),
                Tensor::from_vector({3}, b).to(rgb01.device()));
}

std::vector<Tensor> VGG::features(const Tensor& x, const std::vector<std::string>& layers) {
  size_t deepest = 0;
  for (const std::string& l : layers) {
    auto it = std::find_if(stages_.begin(), stages_.end(), [&](const Stage& s) { return s.name == l; });
    if (it == stages_.end())
      UPRES_FAIL(name(), ": unknown layer '", l, "'; expected conv<b>_<i>, relu<b>_<i> or pool<b> of ",
                 name(), " (e.g. conv5_4, relu2_2, pool3)");
    deepest = std::max(deepest, static_cast<size_t>(it - stages_.begin()));
  }
  std::map<std::string, Tensor> buf;
  for (auto& [n, t] : named_buffers()) buf[n] = t;
  std::map<std::string, Tensor> taps;
  Tensor h = preprocess(x);
  for (size_t i = 0; i <= deepest && !layers.empty(); ++i) {
    const Stage& s = stages_[i];
    if (s.kind == 0) {
      const std::string key = "features." + std::to_string(s.index);
      h = conv2d(h, buf.at(key + ".weight"), buf.at(key + ".bias"), ConvParams::same(3));
    } else if (s.kind == 1) {
      h = relu(h);
    } else {
      h = max_pool2d(h, 2, 2);
    }
    taps[s.name] = h;
  }
  std::vector<Tensor> out;
  for (const std::string& l : layers) out.push_back(taps.at(l));
  return out;
}

}  // namespace upres::models
