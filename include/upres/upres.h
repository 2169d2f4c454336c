/* upres.h - the C API of upres, for callers in C, Rust, Go or Python ctypes.
 *
 * The same library as upres.hpp behind opaque handles: no exception crosses
 * this boundary. Every function that can fail returns a upres_status; on
 * failure upres_last_error() gives a message naming the value, file or shape at
 * fault (kept per thread, valid until that thread's next upres call).
 *
 *   upres_model* m = NULL;
 *   if (upres_model_load("", NULL, &m) != UPRES_OK) { puts(upres_last_error()); ... }
 *   upres_image in = {0}, out = {0};
 *   upres_image_read("in.png", &in);
 *   upres_upscale(m, &in, &out, NULL);      // out.data == NULL: allocated by upres
 *   upres_image_write(&out, "out.png");
 *   upres_image_free(&in); upres_image_free(&out); upres_model_free(m);
 *
 * Pixels are interleaved (1 grey, 2 grey+alpha, 3 RGB, 4 RGBA channels), rows
 * `stride` bytes apart (0: tightly packed), 8-bit (0..255) or float (0..1).
 *
 * Thread safety: as upres.hpp says. Different models may be used from different
 * threads at once; one model may be called from several threads at once (the
 * calls are serialised inside it). upres_model_free must not race with other
 * calls on the same model.
 */
#ifndef UPRES_UPRES_H
#define UPRES_UPRES_H

#include <stddef.h>

#ifndef UPRES_API
#if defined(UPRES_STATIC_DEFINE)
#define UPRES_API
#else
#define UPRES_API __attribute__((visibility("default")))
#endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef enum upres_status {
  UPRES_OK = 0,
  UPRES_ERROR_INVALID_ARGUMENT = 1,   /* a bad value: NULL pointer, size, stride, channels, option */
  UPRES_ERROR_NOT_FOUND = 2,          /* no such shipped model or scale, or a missing file */
  UPRES_ERROR_BAD_MODEL = 3,          /* a model file that is unreadable, corrupt or of an unknown architecture */
  UPRES_ERROR_IO = 4,                 /* an image file that cannot be read or written */
  UPRES_ERROR_DEVICE_UNAVAILABLE = 5, /* the device is not in this build or machine */
  UPRES_ERROR_OUT_OF_MEMORY = 6,
  UPRES_ERROR_RUNTIME = 7             /* anything else */
} upres_status;

typedef enum upres_device { UPRES_DEVICE_CPU = 0, UPRES_DEVICE_CUDA = 1, UPRES_DEVICE_SIMT = 2 } upres_device;
typedef enum upres_pixel_type { UPRES_PIXEL_U8 = 0, UPRES_PIXEL_F32 = 1 } upres_pixel_type;

typedef struct upres_image {
  void* data;              /* width x height x channels samples, rows `stride` bytes apart */
  int width, height, channels;
  ptrdiff_t stride;        /* 0: width * channels * sample size */
  upres_pixel_type type;
} upres_image;

typedef struct upres_load_options {
  const char* arch;        /* NULL or "": from the file's metadata */
  int scale;               /* 0: 2 for a shipped name, else the file's */
  upres_device device;
} upres_load_options;

typedef struct upres_upscale_options {
  int tile;                /* input pixels per tile side; 0: automatic */
  int overlap;             /* context around a tile, input pixels (default 16) */
  int ensemble;            /* non-zero: x8 self-ensemble */
} upres_upscale_options;

typedef struct upres_model upres_model; /* opaque */

/* Defaults: arch NULL, scale 0, cpu; tile 0, overlap 16, no ensemble. */
UPRES_API void upres_load_options_init(upres_load_options* options);
UPRES_API void upres_upscale_options_init(upres_upscale_options* options);

/* `model`: a shipped name ("espcn"), a .safetensors file, "bicubic", or NULL / ""
 * for the best shipped for the scale. options may be NULL (defaults). */
UPRES_API upres_status upres_model_load(const char* model, const upres_load_options* options, upres_model** out);
UPRES_API void upres_model_free(upres_model* model); /* NULL is fine */
UPRES_API int upres_model_scale(const upres_model* model); /* 0 for NULL */

/* Enlarge `in` by the model's scale into `out`. With out->data NULL, upres
 * allocates a tightly packed image of the input's type and channels (free it
 * with upres_image_free); otherwise out must describe a caller's buffer of
 * exactly scale x the input's size, channels and type. options may be NULL. */
UPRES_API upres_status upres_upscale(upres_model* model, const upres_image* in, upres_image* out,
                                     const upres_upscale_options* options);

/* One image file to another, as `upres upscale -i IN -o OUT`: the format by the
 * extension, 16-bit PNGs stay 16-bit, a .png output is streamed row by row
 * (memory bounded by the output's width, whatever its height), and nothing is
 * left on failure (UPRES_ERROR_IO for reading and writing). options may be NULL. */
UPRES_API upres_status upres_upscale_file(upres_model* model, const char* in_path, const char* out_path,
                                          const upres_upscale_options* options);

/* Image files: reads PNG, JPEG, BMP, TGA as 8-bit (data allocated by upres, free
 * with upres_image_free); writes .png, .jpg/.jpeg, .bmp by the extension. */
UPRES_API upres_status upres_image_read(const char* path, upres_image* out);
UPRES_API upres_status upres_image_write(const upres_image* image, const char* path);
UPRES_API void upres_image_free(upres_image* image); /* frees data that upres allocated; sets data to NULL */

/* The last failure's message on this thread ("" when none). */
UPRES_API const char* upres_last_error(void);
UPRES_API const char* upres_version(void);

#ifdef __cplusplus
}
#endif

#endif /* UPRES_UPRES_H */
