/* upscale.c - enlarge an image file with upres's C API.
 *   upscale_c IN.png OUT.png [MODEL]
 * MODEL: a shipped name ("espcn"), a .safetensors file, "bicubic"; default: the
 * best model shipped for x2. Build: see examples/CMakeLists.txt. */
#include <upres/upres.h>

#include <stdio.h>

int main(int argc, char** argv) {
  upres_model* model = NULL;
  upres_image in = {0}, out = {0}; /* out.data NULL: upres allocates it */
  int rc = 1;
  if (argc < 3 || argc > 4) {
    fprintf(stderr, "usage: %s IN OUT [MODEL]\n", argv[0]);
    return 2;
  }
  if (upres_model_load(argc == 4 ? argv[3] : NULL, NULL, &model) == UPRES_OK &&
      upres_image_read(argv[1], &in) == UPRES_OK && upres_upscale(model, &in, &out, NULL) == UPRES_OK &&
      upres_image_write(&out, argv[2]) == UPRES_OK) {
    printf("%s (%dx%d) -> %s (%dx%d), x%d\n", argv[1], in.width, in.height, argv[2], out.width, out.height,
           upres_model_scale(model));
    rc = 0;
  } else {
    fprintf(stderr, "error: %s\n", upres_last_error());
  }
  upres_image_free(&in);
  upres_image_free(&out);
  upres_model_free(model);
  return rc;
}
