// model.cpp - upres::api::Model: a network found by name or file, moved to a
// device, and the upscale call (upres.hpp). The work is the library's
// inference::upscale, the pipeline `upres upscale` runs; this file only checks
// arguments, converts pixels and translates errors.
#include <filesystem>
#include <mutex>
#include <new>

#include "api/internal.h"
#include "engine/autograd.h"
#include "engine/backends.h"
#include "engine/error.h"
#include "inference/upscale.h"
#include "inference/upscale_file.h"
#include "inference/zoo.h"
#include "models/load.h"

#ifndef UPRES_VERSION
#define UPRES_VERSION "0.0.0"
#endif

namespace upres::api {

namespace fs = std::filesystem;

Error::Error(Status status, const std::string& message) : std::runtime_error(message), status_(status) {}

namespace {

::upres::Device engine_device(Device d) {
  switch (d) {
    case Device::cpu: return ::upres::Device::cpu;
    case Device::cuda: return ::upres::Device::cuda;
    case Device::simt: return ::upres::Device::simt;
  }
  throw Error(Status::invalid_argument,
              "device " + std::to_string(static_cast<int>(d)) + ", expected cpu (0), cuda (1) or simt (2)");
}

bool names_a_file(const std::string& m) {
  std::error_code ec;
  return m.size() > 12 && m.compare(m.size() - 12, 12, ".safetensors") == 0 ? true
         : m.find('/') != std::string::npos                                 ? true
                                                                            : fs::is_regular_file(m, ec);
}

const Model::Impl& checked(const std::shared_ptr<Model::Impl>& impl) {
  if (!impl) throw Error(Status::invalid_argument, "upres::api::Model: the model is empty (moved from)");
  return *impl;
}

}  // namespace

Model::Model(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

Model Model::load(const std::string& model, const LoadOptions& options) {
  if (options.scale < 0 || options.scale > 16)
    throw Error(Status::invalid_argument, "load: scale " + std::to_string(options.scale) + ", expected 0 (any) to 16");
  const ::upres::Device dev = engine_device(options.device);
  if (!detail::translate(Status::device_unavailable, [&] { return device_available(dev); }))
    throw Error(Status::device_unavailable,
                std::string("load: device '") + to_string(dev) + "' is not available in this process" +
                    (dev == ::upres::Device::cuda ? " (needs a build with UPRES_CUDA=ON and a CUDA GPU)" : ""));
  auto impl = std::make_shared<Impl>();
  impl->device = options.device;
  if (model == "bicubic") {
    if (!options.arch.empty())
      throw Error(Status::invalid_argument, "load: arch '" + options.arch + "' names a model file's architecture; bicubic has none");
    impl->scale = options.scale ? options.scale : 2;
    impl->arch = "bicubic";
    return Model(impl);
  }
  const bool is_file = !model.empty() && names_a_file(model);
  if (!options.arch.empty() && !is_file)
    throw Error(Status::invalid_argument, "load: arch '" + options.arch + "' is for a .safetensors file; '" +
                                              (model.empty() ? std::string("(default)") : model) +
                                              "' is a shipped model that knows its architecture");
  if (is_file) {
    std::error_code ec;
    if (!fs::is_regular_file(model, ec))
      throw Error(Status::not_found, "load: the model file '" + model + "' does not exist or is not a file");
    impl->path = model;
  } else {
    impl->path = detail::translate(Status::not_found, [&] {
      return (model.empty() ? inference::best_shipped_model(options.scale ? options.scale : 2)
                            : inference::shipped_model(model, options.scale))
          .path;
    });
  }
  models::LoadedNetwork loaded = detail::translate(Status::bad_model, [&] {
    models::LoadOptions lo;
    lo.arch = options.arch;
    return models::load_network(impl->path, lo);
  });
  impl->net = loaded.net;
  impl->scale = static_cast<int>(impl->net->scale());
  impl->arch = impl->net->arch();
  if (options.scale && options.scale != impl->scale)
    throw Error(Status::invalid_argument, "load: the model '" + impl->path + "' enlarges by " +
                                              std::to_string(impl->scale) + ", but the options ask for scale " +
                                              std::to_string(options.scale));
  detail::translate(Status::device_unavailable, [&] { impl->net->to(dev); });
  return Model(impl);
}

int Model::scale() const { return checked(impl_).scale; }
int Model::channels() const {
  const Impl& m = checked(impl_);
  return m.net ? static_cast<int>(m.net->channels()) : 0;
}
std::string Model::arch() const { return checked(impl_).arch; }
std::string Model::path() const { return checked(impl_).path; }
Device Model::device() const { return checked(impl_).device; }

namespace {

void check_options(const UpscaleOptions& options) {
  if (options.tile < 0 || options.overlap < 0)
    throw Error(Status::invalid_argument, "upscale: tile " + std::to_string(options.tile) + " and overlap " +
                                              std::to_string(options.overlap) + ", expected both >= 0");
  if (options.tile > 0 && options.tile < 2 * options.overlap)
    throw Error(Status::invalid_argument, "upscale: tile " + std::to_string(options.tile) + " is smaller than twice the overlap " +
                                              std::to_string(options.overlap) + "; use tile >= " +
                                              std::to_string(2 * options.overlap) + " or a smaller overlap");
}

// The model (or bicubic) on planar pixels, under the model's lock.
data::Image enlarge(const Model::Impl& m, const data::Image& planar, const UpscaleOptions& options) {
  std::lock_guard<std::mutex> lock(m.mutex);
  if (!m.net) return inference::bicubic_upscale(planar, m.scale);
  inference::UpscaleOptions o;
  o.tile = options.tile;
  o.overlap = options.overlap;
  o.ensemble = options.ensemble;
  o.device = engine_device(m.device);
  return inference::upscale(*m.net, planar, o);
}

}  // namespace

void Model::upscale_into(const ImageView& in, const MutableImageView& out, const UpscaleOptions& options) const {
  const Impl& m = checked(impl_);
  check_options(options);
  const data::Image planar = detail::to_planar(in);
  if (out.type != in.type || out.channels != in.channels ||
      static_cast<int64_t>(out.width) != int64_t(in.width) * m.scale ||
      static_cast<int64_t>(out.height) != int64_t(in.height) * m.scale)
    throw Error(Status::invalid_argument,
                "upscale: the output is " + std::to_string(out.width) + "x" + std::to_string(out.height) + " with " +
                    std::to_string(out.channels) + " channels of type " + std::to_string(int(out.type)) + ", expected " +
                    std::to_string(int64_t(in.width) * m.scale) + "x" + std::to_string(int64_t(in.height) * m.scale) +
                    " with " + std::to_string(in.channels) + " of the input's type " + std::to_string(int(in.type)));
  const data::Image result =
      detail::translate(Status::runtime_error, [&] { return enlarge(m, planar, options); });
  detail::from_planar(result, out);
}

void Model::upscale_file(const std::string& in_path, const std::string& out_path,
                         const UpscaleOptions& options) const {
  const Impl& m = checked(impl_);
  check_options(options);
  // File problems (reading, decoding, writing) are io_error; the network's are runtime_error.
  detail::translate(Status::io_error, [&] {
    inference::upscale_file(
        [&](const data::Image& img) {
          return detail::translate(Status::runtime_error, [&] { return enlarge(m, img, options); });
        },
        m.scale, options.overlap, in_path, out_path);
  });
}

Image Model::upscale(const ImageView& in, const UpscaleOptions& options) const {
  const int s = scale();
  detail::checked_stride(in.data, in.width, in.height, in.channels, in.stride, in.type, "input image");
  Image out;
  out.width = in.width * s;
  out.height = in.height * s;
  out.channels = in.channels;
  out.type = in.type;
  detail::translate(Status::out_of_memory, [&] {
    out.bytes.resize(static_cast<std::size_t>(out.width) * out.height * out.channels * detail::sample_size(out.type));
  });
  upscale_into(in, out.mutable_view(), options);
  return out;
}

Image read_image(const std::string& path) {
  const data::Image img = detail::translate(Status::io_error, [&] { return data::load_image(path); });
  Image out;
  out.width = img.width;
  out.height = img.height;
  out.channels = img.channels;
  out.type = PixelType::u8;
  out.bytes.resize(static_cast<std::size_t>(img.width) * img.height * img.channels);
  detail::from_planar(img, out.mutable_view());
  return out;
}

void write_image(const ImageView& image, const std::string& path) {
  data::Image img = detail::to_planar(image);
  detail::translate(Status::io_error, [&] { data::save_image(img, path); });
}

const char* version() { return UPRES_VERSION; }

}  // namespace upres::api
