// upscale.cpp - enlarge an image file with upres's C++ API.
//   upscale_cpp IN.png OUT.png [MODEL]
// MODEL: a shipped name ("espcn"), a .safetensors file, "bicubic"; default: the
// best model shipped for x2. Build: see examples/CMakeLists.txt.
#include <upres/upres.hpp>

#include <iostream>

int main(int argc, char** argv) {
  if (argc < 3 || argc > 4) {
    std::cerr << "usage: " << argv[0] << " IN OUT [MODEL]\n";
    return 2;
  }
  try {
    const upres::api::Model model = upres::api::Model::load(argc == 4 ? argv[3] : "");
    const upres::api::Image in = upres::api::read_image(argv[1]);
    const upres::api::Image out = model.upscale(in.view());  // interleaved 8-bit in, 8-bit out
    upres::api::write_image(out.view(), argv[2]);
    std::cout << argv[1] << " (" << in.width << "x" << in.height << ") -> " << argv[2] << " (" << out.width
              << "x" << out.height << ") with " << model.arch() << " x" << model.scale() << "\n";
    return 0;
  } catch (const upres::api::Error& e) {
    std::cerr << "error (status " << static_cast<int>(e.status()) << "): " << e.what() << "\n";
    return 1;
  }
}
