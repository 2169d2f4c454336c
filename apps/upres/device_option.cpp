// device_option.cpp - the `--device cpu|cuda|simt` option of `upres upscale`
// and `upres eval` (cli.h): which backend runs the network.
//
//   cpu   kernels/cpu (the default; Eigen GEMM, OpenMP threads).
//   cuda  kernels/cuda on a GPU; needs a build with UPRES_CUDA=ON and a GPU.
//   simt  the same CUDA kernels on the SIMT emulator (kernels/simt): slow, for
//         checking and stepping through kernels without a GPU.
//
// A value that is none of these is a usage error (exit 2); a known device that
// this process cannot use (cuda without a GPU) is a runtime error (exit 1). Both
// are found before any file is written.
#include "apps/upres/cli.h"
#include "engine/backends.h"
#include "engine/error.h"

namespace upres::cli {

Device device_option(const Args& a) {
  const std::string name = a.get("device", "cpu");
  Device d;
  try {
    d = parse_device(name);
  } catch (const Error&) {
    throw UsageError("option --device is '" + name + "', expected cpu, cuda or simt");
  }
  if (!device_available(d))
    UPRES_FAIL("device '", name, "' is not available in this process",
               d == Device::cuda ? " (needs a build with UPRES_CUDA=ON and a CUDA GPU); try --device cpu" : "");
  return d;
}

void move_model(LoadedModel& m, Device d) {
  m.net->to(d);
  m.device = d;
}

}  // namespace upres::cli
