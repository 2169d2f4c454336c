// patches.h - training data for SR: random LR/HR patch pairs from a folder of HR
// images, made reproducibly and prepared on a background thread.
//
// The recipe of the field (SRCNN, FSRCNN, EDSR, ...):
//   1. every HR image of the folder, as Y (BT.601, data/color.h) or RGB, cropped
//      to a multiple of the scale (modcrop); optionally also shrunk copies of it
//      (`hr_scales`, FSRCNN's augmentation: 0.9, 0.8, 0.7, 0.6), each made as a
//      smaller photo of the same scene would be - MATLAB bicubic, rounded to 8
//      bits after each pass for an 8-bit file - and then used like any image;
//   2. a batch = B pairs, each from an image drawn with probability proportional
//      to its area (every LR pixel equally likely: what cutting all images into
//      patches with a fixed stride gives) or, with `by_area` false, every image
//      equally likely (as BasicSR's datasets do: one patch per image per item),
//      at a uniformly random position aligned to the scale grid;
//   3. the LR patch is made from the HR by the degradation pipeline
//      (data/degrade.h). With the default pipeline "resize:bicubic" (no
//      randomness) the LR of each whole image is made once, as the standard
//      evaluation protocol makes it, and patches are cut from it; with a random
//      pipeline (noise, JPEG, ...) each patch is degraded afresh from an HR window
//      with `margin` LR pixels of context on every side, so filters see real
//      neighbours, and the centre is kept;
//   4. one of the 8 flips/rotations (the dihedral group of the square), the
//      same for both patches of a pair.
//
// Reproducibility: batch k of a run with seed S is a pure function of (S, k) -
// its own Rng stream - so it does not depend on threads or timing, and a resumed
// run (which starts at batch k) sees exactly the batches an uninterrupted one would.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "data/degrade.h"
#include "data/image.h"
#include "engine/tensor.h"

namespace upres::data {

struct PatchOptions {
  int scale = 2;
  int channels = 1;  // 1: Y; 3: RGB
  int patch = 24;    // LR patch side; the HR patch is scale * patch
  std::string pipeline = default_degrade_pipeline();
  int margin = 8;    // LR context pixels degraded around a patch (random pipelines)
  bool by_area = true;  // draw images by area (true) or uniformly (false)
  // Each image is used at these sizes (factors in (0, 1]; 1 = as stored). Every
  // copy counts as an image of its own, for drawing and for size().
  std::vector<double> hr_scales = {1.0};
};

// "1,0.9,0.8" -> {1, 0.9, 0.8}; throws upres::Error naming the bad entry (each must
// be a number in (0, 1], none repeated).
std::vector<double> parse_hr_scales(const std::string& list);

struct Batch {
  Tensor lr;  // [B, C, patch, patch]
  Tensor hr;  // [B, C, scale*patch, scale*patch]
};

// Dihedral transform t in 0..7 of a size x size plane: bit 0 mirrors x, bit 1
// mirrors y, bit 2 transposes (applied first). dst[i][j] = src[u][v].
void dihedral_copy(const float* src, int64_t src_stride, int size, int t, float* dst);

class PatchSet {
 public:
  // Loads every image file (png, jpg, jpeg, bmp, tga) of `dir` (or of each of
  // several folders separated by commas: "T91,BSD200"). Images smaller
  // than one HR patch are skipped (counted in skipped(); a shrunk copy too small
  // counts as one). Throws upres::Error
  // naming the folder when it is missing or holds no usable image, and naming a
  // file that cannot be read.
  PatchSet(const std::string& dir, const PatchOptions& opt);
  size_t size() const { return hr_.size(); }
  size_t skipped() const { return skipped_; }
  const std::vector<std::string>& folders() const { return folders_; }  // `dir`, split at the commas
  const PatchOptions& options() const { return opt_; }
  // Batch `index` of the run seeded `seed` (see the header comment).
  Batch make_batch(uint64_t seed, int64_t index, int batch) const;

 private:
  PatchOptions opt_;
  std::vector<std::string> folders_;
  DegradePipeline pipeline_;
  bool fixed_lr_ = false;          // pipeline is a plain resize: LR made once
  std::vector<Image> hr_, lr_;     // lr_ only when fixed_lr_
  std::vector<double> cum_area_;   // cumulative LR areas, to draw images by area
  size_t skipped_ = 0;
};

// Prepares batches first, first+1, ... on a background thread, `depth` ahead.
class BatchLoader {
 public:
  BatchLoader(const PatchSet& set, uint64_t seed, int batch, int64_t first, int depth = 3);
  ~BatchLoader();
  BatchLoader(const BatchLoader&) = delete;
  BatchLoader& operator=(const BatchLoader&) = delete;
  // The next batch in order (waits for it). An error of the loader thread is
  // rethrown here.
  Batch next();

 private:
  void run();
  const PatchSet& set_;
  uint64_t seed_;
  int batch_, depth_;
  int64_t next_make_;
  std::deque<Batch> ready_;
  std::exception_ptr error_;
  bool stop_ = false;
  std::mutex mu_;
  std::condition_variable cv_;
  std::thread thread_;
};

}  // namespace upres::data
