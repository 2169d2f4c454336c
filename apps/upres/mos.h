// mos.h - the page of `upres mos make`: a blind, randomised rating session in
// one self-contained HTML file (the statistics are in metrics/mos.h).
//
// Each trial shows one method's output for one image, the method hidden, with
// the reference (HR) beside it when given; the rater presses 1-5 (buttons or
// keys). Trials are every (image, method) pair in a seeded random order. The
// page knows each method only by an opaque code (6 hex digits drawn from the
// seed); its "Download CSV" button saves
//     #code,CODE,METHOD          (one line per method: the key to the codes)
//     rater,image,method,score,trial,time_ms
//     ...                        (method = the code)
// which `upres mos summarize` (metrics::parse_ratings_csv) decodes. The key is
// in the page's data block too, so the page is blind for a rater who looks
// at the screen, not for one who reads the source.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "data/image.h"

namespace upres::mos {

struct MosPage {
  std::string title = "upres MOS";
  std::vector<std::string> methods;                // names, e.g. "bicubic", "espcn"
  std::vector<std::string> images;                 // file names, the same for every method
  std::vector<std::vector<data::Image>> outputs;   // outputs[m][i]: method m's image i
  std::vector<data::Image> reference;              // empty, or one per image
  uint64_t seed = 1;
};

// One trial of the session, in display order.
struct Trial {
  int image = 0, method = 0;
};

// Every (image, method) pair, shuffled by Fisher-Yates with a 64-bit
// splitmix generator seeded by `seed` (the same seed gives the same order on
// every platform; std::shuffle's result depends on the standard library).
std::vector<Trial> trial_order(int images, int methods, uint64_t seed);
// The opaque code of each method: distinct 6-hex-digit strings from the seed.
std::vector<std::string> method_codes(int methods, uint64_t seed);

// The page. Throws upres::Error when the sizes do not agree.
std::string render_mos_page(const MosPage& p);

}  // namespace upres::mos
