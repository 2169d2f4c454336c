// c_api.cpp - upres.h over upres.hpp: opaque handles, status codes and a
// per-thread last-error string. Every entry point catches everything, so no
// exception crosses into C (or Rust, Go, ctypes) code.
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>

#include "api/internal.h"
#include "include/upres/upres.h"

struct upres_model {
  upres::api::Model model;
};

namespace {

using upres::api::Status;

thread_local std::string t_last_error;

upres_status fail(upres_status s, const std::string& message) {
  t_last_error = message;
  return s;
}

// Runs f(); an exception becomes its status code and message.
template <typename F>
upres_status guarded(F&& f) {
  try {
    f();
    t_last_error.clear();
    return UPRES_OK;
  } catch (const upres::api::Error& e) {
    return fail(static_cast<upres_status>(e.status()), e.what());
  } catch (const std::bad_alloc&) {
    return fail(UPRES_ERROR_OUT_OF_MEMORY, "out of memory");
  } catch (const std::exception& e) {
    return fail(UPRES_ERROR_RUNTIME, e.what());
  } catch (...) {
    return fail(UPRES_ERROR_RUNTIME, "unknown exception");
  }
}

// A C enum field may hold any int a caller wrote; reading it as the C++ enum type
// would be undefined for values outside the enumerators (UBSan reports it), so the
// bytes are read as an int and checked by the C++ API.
static_assert(sizeof(upres_pixel_type) == sizeof(int) && sizeof(upres_device) == sizeof(int),
              "C enums are int-sized on the supported compilers");
template <typename E>
int enum_value(const E& e) {
  int v;
  std::memcpy(&v, &e, sizeof v);
  return v;
}

upres::api::ImageView view_of(const upres_image& im) {
  return upres::api::ImageView{im.data, im.width, im.height, im.channels, im.stride,
                               static_cast<upres::api::PixelType>(enum_value(im.type))};
}

}  // namespace

extern "C" {

void upres_load_options_init(upres_load_options* o) {
  if (o) *o = upres_load_options{nullptr, 0, UPRES_DEVICE_CPU};
}

void upres_upscale_options_init(upres_upscale_options* o) {
  if (o) *o = upres_upscale_options{0, 16, 0};
}

upres_status upres_model_load(const char* model, const upres_load_options* options, upres_model** out) {
  if (!out) return fail(UPRES_ERROR_INVALID_ARGUMENT, "upres_model_load: the out pointer is NULL");
  *out = nullptr;
  return guarded([&] {
    upres::api::LoadOptions lo;
    if (options) {
      lo.arch = options->arch ? options->arch : "";
      lo.scale = options->scale;
      lo.device = static_cast<upres::api::Device>(enum_value(options->device));
    }
    *out = new upres_model{upres::api::Model::load(model ? model : "", lo)};
  });
}

void upres_model_free(upres_model* model) { delete model; }

int upres_model_scale(const upres_model* model) { return model ? model->model.scale() : 0; }

namespace {
// The C options as the C++ API's (defaults when NULL).
upres::api::UpscaleOptions options_of(const upres_upscale_options* options) {
  upres::api::UpscaleOptions uo;
  if (options) {
    uo.tile = options->tile;
    uo.overlap = options->overlap;
    uo.ensemble = options->ensemble != 0;
  }
  return uo;
}
}  // namespace

upres_status upres_upscale(upres_model* model, const upres_image* in, upres_image* out,
                           const upres_upscale_options* options) {
  if (!model || !in || !out) return fail(UPRES_ERROR_INVALID_ARGUMENT, "upres_upscale: model, in and out must not be NULL");
  return guarded([&] {
    const upres::api::UpscaleOptions uo = options_of(options);
    if (out->data) {
      model->model.upscale_into(view_of(*in), upres::api::MutableImageView{out->data, out->width, out->height,
                                                                            out->channels, out->stride,
                                                                            static_cast<upres::api::PixelType>(enum_value(out->type))},
                                uo);
      return;
    }
    upres::api::Image r = model->model.upscale(view_of(*in), uo);
    void* data = std::malloc(r.bytes.size());
    if (!data) throw std::bad_alloc();
    std::memcpy(data, r.bytes.data(), r.bytes.size());
    *out = upres_image{data, r.width, r.height, r.channels, 0, static_cast<upres_pixel_type>(r.type)};
  });
}

upres_status upres_upscale_file(upres_model* model, const char* in_path, const char* out_path,
                                const upres_upscale_options* options) {
  if (!model || !in_path || !out_path)
    return fail(UPRES_ERROR_INVALID_ARGUMENT, "upres_upscale_file: model, in_path and out_path must not be NULL");
  return guarded([&] {
    const upres::api::UpscaleOptions uo = options_of(options);
    model->model.upscale_file(in_path, out_path, uo);
  });
}

upres_status upres_image_read(const char* path, upres_image* out) {
  if (!path || !out) return fail(UPRES_ERROR_INVALID_ARGUMENT, "upres_image_read: path and out must not be NULL");
  return guarded([&] {
    upres::api::Image r = upres::api::read_image(path);
    void* data = std::malloc(r.bytes.size());
    if (!data) throw std::bad_alloc();
    std::memcpy(data, r.bytes.data(), r.bytes.size());
    *out = upres_image{data, r.width, r.height, r.channels, 0, UPRES_PIXEL_U8};
  });
}

upres_status upres_image_write(const upres_image* image, const char* path) {
  if (!image || !path) return fail(UPRES_ERROR_INVALID_ARGUMENT, "upres_image_write: image and path must not be NULL");
  return guarded([&] { upres::api::write_image(view_of(*image), path); });
}

void upres_image_free(upres_image* image) {
  if (!image) return;
  std::free(image->data);
  image->data = nullptr;
}

const char* upres_last_error(void) { return t_last_error.c_str(); }

const char* upres_version(void) { return upres::api::version(); }

}  // extern "C"
