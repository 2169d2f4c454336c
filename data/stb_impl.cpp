// stb_impl.cpp - the one translation unit that compiles stb_image and
// stb_image_write (single-header libraries: their code is emitted where the
// *_IMPLEMENTATION macro is defined, exactly once per program).
//
// Only the decoders upres reads are compiled (PNG, JPEG, BMP, TGA): fewer parsers
// exposed to hostile files, and a file in another format (GIF, PSD, HDR, PNM, PIC)
// is refused instead of being decoded by a path nobody tests.
#define STB_IMAGE_IMPLEMENTATION
#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STBI_FAILURE_USERMSG  // human-readable stbi_failure_reason()
#define STBI_ONLY_PNG
#define STBI_ONLY_JPEG
#define STBI_ONLY_BMP
#define STBI_ONLY_TGA

#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wsign-compare"
#endif
#include <stb_image.h>
#include <stb_image_write.h>
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif
