// train_validate.cpp - validation during training, by the standard protocol
// (metrics/ and README "Evaluation protocols"): HR cropped to a multiple of the
// scale; LR = MATLAB bicubic of the 8-bit RGB HR, rounded to 8 bits as a saved
// LR file would be; the network's output clamped to [0, 1] and rounded to 8
// bits; PSNR and SSIM on BT.601 Y (0..255, float64) with `scale` pixels removed
// at each border. A 1-channel network sees Y of the LR and is scored on its Y
// output directly; a 3-channel one sees RGB and is scored on the Y of its output.
#include <algorithm>
#include <cmath>
#include <filesystem>

#include "apps/upres/train.h"
#include "data/color.h"
#include "data/resize.h"
#include "engine/autograd.h"
#include "engine/error.h"
#include "metrics/psnr.h"
#include "metrics/ssim.h"

namespace upres::cli {

namespace {

using data::Image;

Image round8(Image img) {
  for (float& v : img.pixels) v = std::round(std::min(std::max(v, 0.0f), 1.0f) * 255.0f) / 255.0f;
  return img;
}

// Y (0..255, double) of a 1-channel Y image or a 3-channel RGB image, border removed.
metrics::Planes y_planes(const Image& img, int border) {
  Image y = img.channels == 1 ? img : data::rgb_to_y(img);
  const int w = y.width - 2 * border, h = y.height - 2 * border;
  UPRES_CHECK(w > 0 && h > 0, "validation: a ", y.width, "x", y.height, " image is too small for border ", border);
  metrics::Planes p(w, h, 1);
  for (int i = 0; i < h; ++i)
    for (int j = 0; j < w; ++j) p.samples[static_cast<size_t>(i) * w + j] = 255.0 * y.at(0, i + border, j + border);
  return p;
}

Image run_network(models::SRNetwork& net, const Image& lr, Device device) {
  NoGradGuard no_grad;
  Image in = lr;
  if (net.pre_upsampling()) {
    data::ResizeOptions o;
    in = data::imresize(lr, static_cast<double>(net.scale()), o);
  }
  Tensor x = data::to_tensor(in);
  if (device != Device::cpu) x = x.to(device);
  return data::to_image(net.forward(x));
}

}  // namespace

Validator::Validator(const std::string& dir, int64_t scale, int max_images) : scale_(scale) {
  namespace fs = std::filesystem;
  std::error_code ec;
  UPRES_CHECK(fs::is_directory(dir, ec), "--val '", dir, "' is not a folder");
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    std::string ext = e.path().extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
    if (e.is_regular_file() && (ext == ".png" || ext == ".bmp" || ext == ".jpg" || ext == ".tga")) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    if (max_images > 0 && static_cast<int>(hr_.size()) >= max_images) break;
    Image img = data::load_image(f.string());
    if (img.channels == 2 || img.channels == 4) img = data::select_channels(img, 0, img.channels - 1);
    if (img.channels == 1) img = data::merge_channels({img, img, img});
    img = data::modcrop(img, static_cast<int>(scale));
    if (img.width / scale < 4 || img.height / scale < 4) continue;
    hr_.push_back({f.filename().string(), std::move(img)});
  }
  UPRES_CHECK(!hr_.empty(), "--val '", dir, "' holds no usable image");
}

ValScores Validator::run(models::SRNetwork& net, Device device) const {
  const bool was_training = net.is_training();
  net.eval();
  ValScores s;
  const int border = static_cast<int>(scale_);
  for (const auto& item : hr_) {
    data::ResizeOptions o;
    o.round_to_uint8 = true;
    Image lr = data::imresize(item.hr, 1.0 / static_cast<double>(scale_), o);
    Image sr;
    if (net.channels() == 1) sr = round8(run_network(net, data::rgb_to_y(lr), device));
    else sr = round8(run_network(net, lr, device));
    metrics::Planes ref = y_planes(item.hr, border), test = y_planes(sr, border);
    s.psnr_y += metrics::psnr(ref, test);
    s.ssim_y += metrics::ssim(ref, test);
    ++s.images;
  }
  s.psnr_y /= s.images;
  s.ssim_y /= s.images;
  if (was_training) net.train();
  return s;
}

}  // namespace upres::cli
