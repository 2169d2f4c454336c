// train_progress.cpp - telling the user how training goes: a bar redrawn in
// place on a terminal, plain lines in a log file, and the CSV log.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "apps/upres/train.h"
#include "engine/error.h"
#include "engine/fileio.h"

namespace upres::cli {

namespace {
double now_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
std::string hms(double s) {
  if (!std::isfinite(s) || s < 0) return "--:--";
  long t = static_cast<long>(s + 0.5);
  char buf[32];
  if (t >= 3600) std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", t / 3600, (t / 60) % 60, t % 60);
  else std::snprintf(buf, sizeof buf, "%02ld:%02ld", t / 60, t % 60);
  return buf;
}
}  // namespace

Progress::Progress(int64_t total_steps, int64_t first_step, int64_t log_every, bool terminal)
    : total_(total_steps), first_(first_step), log_every_(log_every), terminal_(terminal), t0_(now_s()) {}

void Progress::step(int64_t step, double loss, double lr, double best_psnr) {
  loss_sum_ += loss;
  ++loss_n_;
  const double elapsed = now_s() - t0_;
  const double rate = (step - first_) / std::max(elapsed, 1e-9);
  const double eta = (total_ - step) / std::max(rate, 1e-9);
  char best[32] = "-";
  if (best_psnr > 0) std::snprintf(best, sizeof best, "%.2f dB", best_psnr);
  if (terminal_) {
    if (step % std::max<int64_t>(1, log_every_ / 10) != 0 && step != total_) return;  // redraw ~10x per log period
    const int width = 24;
    const int filled = static_cast<int>(width * static_cast<double>(step) / total_);
    std::string bar(filled, '#');
    bar += std::string(width - filled, '.');
    std::fprintf(stderr, "\r\033[K%lld/%lld [%s] loss %.5f  %.2f it/s  ETA %s  best val %s",
                 static_cast<long long>(step), static_cast<long long>(total_), bar.c_str(), loss_sum_ / loss_n_, rate,
                 hms(eta).c_str(), best);
    std::fflush(stderr);
    bar_drawn_ = true;
    if (step % log_every_ == 0) loss_sum_ = 0, loss_n_ = 0;
    return;
  }
  if (step % log_every_ != 0 && step != total_) return;
  std::printf("step %lld/%lld  loss %.6f  lr %.3g  %.2f it/s  ETA %s  best val %s\n", static_cast<long long>(step),
              static_cast<long long>(total_), loss_sum_ / loss_n_, lr, rate, hms(eta).c_str(), best);
  std::fflush(stdout);
  loss_sum_ = 0;
  loss_n_ = 0;
}

void Progress::line(const std::string& text) {
  if (terminal_ && bar_drawn_) std::fprintf(stderr, "\r\033[K");
  std::printf("%s\n", text.c_str());
  std::fflush(stdout);
}

void Progress::finish() {
  if (terminal_ && bar_drawn_) std::fprintf(stderr, "\n");
}

CsvLog::CsvLog(const std::string& path, const std::vector<std::string>& term_names, int64_t resume_step)
    : path_(path), terms_(term_names.size()) {
  namespace fs = std::filesystem;
  std::string kept;
  std::error_code ec;
  const bool resume = resume_step > 0 && fs::exists(path, ec);
  if (resume) {  // keep the header and the rows up to the resumed step
    std::ifstream in(path);
    std::string line;
    bool header = true;
    while (std::getline(in, line)) {
      if (header) {
        kept += line + "\n";
        header = false;
        continue;
      }
      if (std::strtoll(line.c_str(), nullptr, 10) <= resume_step) kept += line + "\n";
    }
  } else {
    kept = "step,loss,lr,steps_per_s,val_psnr_y,val_ssim_y";
    for (const auto& t : term_names) kept += "," + t;
    kept += "\n";
  }
  write_file_atomic(path, kept);
  out_.open(path, std::ios::app);
  UPRES_CHECK(out_.good(), "cannot append to the training log '", path, "'");
}

void CsvLog::row(int64_t step, double loss, double lr, double steps_per_s, const std::vector<double>& terms,
                 double val_psnr, double val_ssim) {
  std::ostringstream s;
  s.precision(8);
  s << step << "," << loss << "," << lr << "," << steps_per_s << ",";
  if (val_psnr >= 0) s << val_psnr;
  s << ",";
  if (val_ssim >= 0) s << val_ssim;
  for (size_t i = 0; i < terms_; ++i) {  // NaN: the term was not computed (an empty cell)
    s << ",";
    if (i < terms.size() && !std::isnan(terms[i])) s << terms[i];
  }
  out_ << s.str() << "\n";
  out_.flush();
}

}  // namespace upres::cli
