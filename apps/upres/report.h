// report.h - the HTML evaluation report of `upres eval ... --report DIR`.
//
// One self-contained page, DIR/index.html, that a browser opens offline (no
// network, no scripts from elsewhere): every image is a base64 PNG data URI,
// every chart inline SVG, the little zoom control plain JavaScript.
//   1. a header: dataset, scale, model, protocol;
//   2. the metrics table: per image PSNR-Y and SSIM-Y of bicubic and of the
//      model, the gain in dB, and the means;
//   3. side-by-side crops (HR, bicubic, model) for each image that has them,
//      enlarged with CSS `image-rendering: pixelated` by a zoom slider (a click
//      on a crop toggles 1x / the slider's zoom);
//   4. when a training log is given (the trainer's X.log.csv: columns
//      step,loss,lr,steps_per_s,val_psnr_y,val_ssim_y; validation rows have an
//      empty or negative loss), two SVG line charts: loss vs step and
//      validation PSNR-Y vs step.
// Names (files, models, datasets) are HTML-escaped, so a file called
// "<script>.png" shows as text. The page is written atomically.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "data/image.h"

namespace upres::report {

// Scores of one image, as `upres eval` computes them (metrics/protocol.h).
struct ImageRow {
  std::string name;  // file name, e.g. "baby.png"
  double bicubic_psnr = 0, bicubic_ssim = 0;
  double model_psnr = 0, model_ssim = 0;  // an infinite PSNR is shown as "inf"
};

// Three crops of the same window of one image, equal sizes, RGB or grey.
struct Crop {
  std::string name;  // the image's file name
  int top = 0, left = 0;  // where the window lies in the HR image (shown as a caption)
  data::Image hr, bicubic, model;
};

struct ReportData {
  std::string dataset;           // "Set5"
  int scale = 0;                 // 2..8
  std::string model;             // as given with -m
  std::string protocol;          // "standard" or "legacy-y"
  std::vector<ImageRow> rows;    // in the order to show
  std::vector<Crop> crops;       // may be empty
  std::string training_log;      // path of a X.log.csv, or "" for no charts
};

// The window of `size` x `size` (clamped to the image) where |model - hr|,
// summed over channels and the window, is largest (a box sum over a summed-area
// table; the first maximum in row-major order wins); the centre when both
// images are equal. Returns {top, left}.
std::pair<int, int> worst_window(const data::Image& hr, const data::Image& model, int size);

// Cuts the three images at worst_window(hr, model, size).
Crop make_crop(const std::string& name, const data::Image& hr, const data::Image& bicubic, const data::Image& model,
               int size);

// The page as a string (write_report writes it). Throws upres::Error when the
// training log cannot be read or has a malformed row (naming the file and line).
std::string render_report(const ReportData& r);

// Creates DIR when missing and writes DIR/index.html atomically.
void write_report(const std::string& dir, const ReportData& r);

}  // namespace upres::report
