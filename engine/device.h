// device.h - where a tensor's memory lives and which kernels run on it.
//
//   cpu   kernels/cpu, host memory.
//   cuda  kernels/cuda compiled by nvcc, GPU memory (CUDA backend issue).
//   simt  the same kernels/cuda sources compiled for the host and run by the
//         SIMT emulator in kernels/simt; memory is host memory.
#pragma once

#include <string>

namespace upres {

enum class Device : unsigned char { cpu = 0, cuda = 1, simt = 2 };

const char* to_string(Device d);
// Parses "cpu", "cuda" or "simt"; throws upres::Error naming the bad value otherwise.
Device parse_device(const std::string& name);
// True when memory of this device can be read directly by host code (cpu, simt).
inline bool host_accessible(Device d) { return d != Device::cuda; }

}  // namespace upres
