// main.cpp - the `upres` command-line tool: dispatch to a command, turn
// exceptions into a message on stderr and an exit code (see cli.h).
#include <csignal>
#include <cstring>
#include <exception>
#include <iostream>

#include "apps/upres/cli.h"
#include "apps/upres/interrupt.h"
#include "engine/error.h"

#ifndef UPRES_VERSION
#define UPRES_VERSION "0.0.0"
#endif

namespace {

const char* kUsage =
    "upres - image super-resolution with a from-scratch C++ engine\n"
    "\n"
    "usage: upres COMMAND [options]\n"
    "\n"
    "commands:\n"
    "  upscale   enlarge an image or a folder (a shipped model, a .safetensors file or bicubic)\n"
    "  train     train any network of the registry (`upres train --list`) on folders of HR images\n"
    "  eval      PSNR/SSIM on Y of a model over a folder of HR images (protocols standard, legacy-y)\n"
    "  metrics   PSNR, SSIM, MS-SSIM, VIF and IFC of an image against a reference\n"
    "  degrade   make a low-resolution image: blur, bicubic downscale, noise, JPEG\n"
    "  mos       mean opinion score: a blind rating page (make), MOS with 95% CI (summarize)\n"
    "  bench     time a network's inference or training step (median of repeats, GFLOP/s, memory)\n"
    "\n"
    "  upres COMMAND --help   options of one command\n"
    "  upres --version        the version\n";

}  // namespace

int main(int argc, char** argv) {
  using namespace upres::cli;
  // Past a file-size limit (ulimit -f) the kernel sends SIGXFSZ, which kills the process
  // silently; ignored, the write fails with EFBIG and the error is reported like any other.
  std::signal(SIGXFSZ, SIG_IGN);
  if (argc < 2) {
    std::cerr << kUsage;
    return 2;
  }
  const char* cmd = argv[1];
  try {
    if (!std::strcmp(cmd, "--help") || !std::strcmp(cmd, "-h") || !std::strcmp(cmd, "help")) {
      std::cout << kUsage;
      return 0;
    }
    if (!std::strcmp(cmd, "--version") || !std::strcmp(cmd, "-V")) {
      std::cout << "upres " << UPRES_VERSION << "\n";
      return 0;
    }
    if (!std::strcmp(cmd, "upscale")) return cmd_upscale(argc - 1, argv + 1);
    if (!std::strcmp(cmd, "train")) return cmd_train(argc - 1, argv + 1);
    if (!std::strcmp(cmd, "eval")) return cmd_eval(argc - 1, argv + 1);
    if (!std::strcmp(cmd, "metrics")) return cmd_metrics(argc - 1, argv + 1);
    if (!std::strcmp(cmd, "degrade")) return cmd_degrade(argc - 1, argv + 1);
    if (!std::strcmp(cmd, "mos")) return cmd_mos(argc - 1, argv + 1);
    if (!std::strcmp(cmd, "bench")) return cmd_bench(argc - 1, argv + 1);
    throw UsageError(std::string("unknown command '") + cmd + "' (commands: upscale, train, eval, metrics, degrade, mos, bench; see --help)");
  } catch (const UsageError& e) {
    std::cerr << "upres: " << e.what() << "\n";
    return 2;
  } catch (const Interrupted& e) {
    std::cerr << "upres: " << e.what() << "\n";
    return 130;
  } catch (const upres::Error& e) {
    std::cerr << "upres: error: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "upres: unexpected error: " << e.what() << "\n";
    return 1;
  }
}
