// patches.cpp - cutting, degrading and augmenting training pairs, and the
// background thread that keeps a few batches ready.
#include "data/patches.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>

#include "data/color.h"
#include "data/resize.h"
#include "engine/error.h"
#include "engine/rng.h"

namespace upres::data {

void dihedral_copy(const float* src, int64_t src_stride, int size, int t, float* dst) {
  for (int i = 0; i < size; ++i)
    for (int j = 0; j < size; ++j) {
      int u = i, v = j;
      if (t & 4) std::swap(u, v);
      if (t & 1) v = size - 1 - v;
      if (t & 2) u = size - 1 - u;
      dst[static_cast<int64_t>(i) * size + j] = src[static_cast<int64_t>(u) * src_stride + v];
    }
}

namespace {

bool is_image_file(const std::filesystem::path& p) {
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".bmp" || ext == ".tga";
}

// The RGB planes of a file's image, whatever its channels (alpha dropped).
Image to_rgb(Image img) {
  if (img.channels == 2 || img.channels == 4) img = select_channels(img, 0, img.channels - 1);
  if (img.channels == 1) img = merge_channels({img, img, img});
  return img;
}

// The image a camera would have taken of the scene at `factor` of the size: the
// same MATLAB bicubic that makes LR images, kept in the file's 8 bits when it had 8.
Image shrink_like_a_photo(const Image& rgb, double factor) {
  if (factor == 1.0) return rgb;
  ResizeOptions ro;
  ro.round_to_uint8 = rgb.bit_depth == 8;
  return imresize(rgb, factor, ro);
}

// "a,b,,c" -> {"a", "b", "", "c"}: every field, empty ones included ("" -> {""}).
std::vector<std::string> split_at_commas(const std::string& list) {
  std::vector<std::string> fields;
  size_t start = 0;
  for (size_t comma; (comma = list.find(',', start)) != std::string::npos; start = comma + 1)
    fields.push_back(list.substr(start, comma - start));
  fields.push_back(list.substr(start));
  return fields;
}

bool pipeline_is_plain_resize(const DegradePipeline& p) {
  return p.steps.size() == 1 && p.steps[0].kind == DegradeStep::Kind::resize;
}

}  // namespace

std::vector<double> parse_hr_scales(const std::string& list) {
  std::vector<double> out;
  for (const std::string& one : split_at_commas(list)) {
    char* end = nullptr;
    const double v = std::strtod(one.c_str(), &end);
    UPRES_CHECK(!one.empty() && end == one.c_str() + one.size() && v > 0.0 && v <= 1.0,
                "HR scales '", list, "': '", one, "' is not a number in (0, 1]");
    UPRES_CHECK(std::find(out.begin(), out.end(), v) == out.end(), "HR scales '", list, "': ", one,
                " is given twice");
    out.push_back(v);
  }
  return out;
}

PatchSet::PatchSet(const std::string& dir, const PatchOptions& opt) : opt_(opt) {
  namespace fs = std::filesystem;
  UPRES_CHECK(opt.scale >= 1 && opt.scale <= 16 && (opt.channels == 1 || opt.channels == 3) && opt.patch >= 1,
              "training data: scale ", opt.scale, ", channels ", opt.channels, ", patch ", opt.patch,
              "; expected scale 1..16, channels 1 or 3, patch >= 1");
  UPRES_CHECK(!opt.hr_scales.empty(), "training data: no HR scale; expected at least one (1: as stored)");
  for (double f : opt.hr_scales)
    UPRES_CHECK(f > 0.0 && f <= 1.0, "training data: HR scale ", f, " is outside (0, 1]");
  pipeline_ = parse_degrade_pipeline(opt.pipeline);
  fixed_lr_ = pipeline_is_plain_resize(pipeline_);
  std::error_code ec;
  std::vector<fs::path> files;
  for (const std::string& one : split_at_commas(dir)) {  // one folder, or several separated by commas
    UPRES_CHECK(fs::is_directory(one, ec), "training data: '", one, "' is not a folder");
    folders_.push_back(one);
    std::vector<fs::path> here;
    for (const auto& e : fs::directory_iterator(one, ec))
      if (e.is_regular_file() && is_image_file(e.path())) here.push_back(e.path());
    std::sort(here.begin(), here.end());
    files.insert(files.end(), here.begin(), here.end());
  }
  const int hr_patch = opt.patch * opt.scale;
  for (const auto& f : files) {
    const Image rgb = to_rgb(load_image(f.string()));
    for (double factor : opt.hr_scales) {
      Image img = shrink_like_a_photo(rgb, factor);
      if (opt.channels == 1) img = rgb_to_y(img);
      if (img.width < hr_patch || img.height < hr_patch) {
        ++skipped_;
        continue;
      }
      img = modcrop(img, opt.scale);
      if (fixed_lr_) lr_.push_back(degrade(img, pipeline_, opt.scale, /*seed=*/0));
      const double area = static_cast<double>(img.width / opt.scale) * (img.height / opt.scale);
      cum_area_.push_back((cum_area_.empty() ? 0.0 : cum_area_.back()) + area);
      hr_.push_back(std::move(img));
    }
  }
  UPRES_CHECK(!hr_.empty(), "training data: '", dir, "' holds no image file (png, jpg, bmp, tga) of at least ",
              hr_patch, "x", hr_patch, " pixels (", files.size(), " image files, ", skipped_, " too small)");
}

Batch PatchSet::make_batch(uint64_t seed, int64_t index, int batch) const {
  UPRES_CHECK(batch >= 1, "training data: batch ", batch, " must be >= 1");
  const int s = opt_.scale, p = opt_.patch, hp = p * s, C = opt_.channels;
  Rng rng(seed, static_cast<uint64_t>(index));  // stream `index`: batches are independent
  Batch out;
  out.lr = Tensor::zeros({batch, C, p, p});
  out.hr = Tensor::zeros({batch, C, hp, hp});
  float* lr_dst = out.lr.data();
  float* hr_dst = out.hr.data();
  for (int b = 0; b < batch; ++b) {
    size_t k;  // the image: one uniform draw either way
    if (opt_.by_area) {
      const double r = rng.uniform() * cum_area_.back();
      k = static_cast<size_t>(std::upper_bound(cum_area_.begin(), cum_area_.end(), r) - cum_area_.begin());
    } else {
      k = static_cast<size_t>(rng.uniform() * static_cast<double>(hr_.size()));
    }
    k = std::min(k, hr_.size() - 1);
    const Image& hr = hr_[k];
    const int lw = hr.width / s, lh = hr.height / s;
    const int top = static_cast<int>(rng.below(static_cast<uint32_t>(lh - p + 1)));
    const int left = static_cast<int>(rng.below(static_cast<uint32_t>(lw - p + 1)));
    const int t = static_cast<int>(rng.below(8));
    const uint64_t degrade_seed = (static_cast<uint64_t>(rng.next_u32()) << 32) | rng.next_u32();

    Image lr_patch;
    if (fixed_lr_) {
      lr_patch = crop(lr_[k], top, left, p, p);
    } else {
      // An HR window with `margin` LR pixels of context where the image allows.
      const int m0 = std::min(opt_.margin, top), m1 = std::min(opt_.margin, left);
      const int m2 = std::min(opt_.margin, lh - top - p), m3 = std::min(opt_.margin, lw - left - p);
      Image window = crop(hr, (top - m0) * s, (left - m1) * s, (p + m0 + m2) * s, (p + m1 + m3) * s);
      Image lr_window = degrade(window, pipeline_, s, degrade_seed);
      UPRES_CHECK(lr_window.width == p + m1 + m3 && lr_window.height == p + m0 + m2, "training data: pipeline '",
                  opt_.pipeline, "' made a ", lr_window.width, "x", lr_window.height, " LR window, expected ",
                  p + m1 + m3, "x", p + m0 + m2, " (it must downscale by exactly the scale, once)");
      lr_patch = crop(lr_window, m0, m1, p, p);
    }
    for (int c = 0; c < C; ++c) {
      dihedral_copy(lr_patch.plane(c), p, p, t, lr_dst + (static_cast<int64_t>(b) * C + c) * p * p);
      const float* hr_src = hr.plane(c) + static_cast<int64_t>(top * s) * hr.width + left * s;
      dihedral_copy(hr_src, hr.width, hp, t, hr_dst + (static_cast<int64_t>(b) * C + c) * hp * hp);
    }
  }
  return out;
}

BatchLoader::BatchLoader(const PatchSet& set, uint64_t seed, int batch, int64_t first, int depth)
    : set_(set), seed_(seed), batch_(batch), depth_(std::max(1, depth)), next_make_(first) {
  thread_ = std::thread([this] { run(); });
}

BatchLoader::~BatchLoader() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void BatchLoader::run() {
  for (;;) {
    int64_t index;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stop_ || static_cast<int>(ready_.size()) < depth_; });
      if (stop_) return;
      index = next_make_++;
    }
    try {
      Batch b = set_.make_batch(seed_, index, batch_);
      std::lock_guard<std::mutex> lock(mu_);
      ready_.push_back(std::move(b));
    } catch (...) {
      std::lock_guard<std::mutex> lock(mu_);
      error_ = std::current_exception();
      stop_ = true;
    }
    cv_.notify_all();
  }
}

Batch BatchLoader::next() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [this] { return !ready_.empty() || error_ != nullptr; });
  if (ready_.empty()) std::rethrow_exception(error_);
  Batch b = std::move(ready_.front());
  ready_.pop_front();
  lock.unlock();
  cv_.notify_all();
  return b;
}

}  // namespace upres::data
