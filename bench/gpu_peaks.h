// gpu_peaks.h - which GPU this is and what it can do at most, for the %bw / %peak counters of the
// CUDA benchmarks (bench_kernels_cuda, bench_conv_cudnn). Include only in UPRES_CUDA=ON builds.
//
// The stated peaks of the cards this project targets (NVIDIA's data sheets):
//   H100 SXM5 : 3.35 TB/s HBM3 (5120-bit bus, 2.619 GHz DDR), ~67 TFLOP/s FP32 without tensor
//               cores (132 SMs x 128 FP32 lanes x 2 FLOP x 1.98 GHz boost);
//   H100 PCIe : 2.0 TB/s HBM2e (5120-bit, 1.593 GHz DDR), ~51 TFLOP/s FP32 (114 SMs, 1.755 GHz).
// Which one is present is read from cudaGetDeviceProperties' name ("H100 PCIe", "H100 80GB HBM3"
// = SXM) and the memory clock; any other card gets the formulas from its attributes:
//   bandwidth = 2 (DDR) x memory clock x bus width / 8,  FP32 = SMs x 128 x 2 x SM clock
// (128 FP32 lanes per SM holds for Volta..Hopper; an estimate elsewhere).
// UPRES_GPU_PEAK_GBS and UPRES_GPU_PEAK_GFLOPS override either number.
#pragma once

#include <cuda_runtime.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace upres::bench {

struct GpuPeaks {
  std::string name;     // the card, as the driver names it, plus which table row was used
  double gbs = 0.0;     // memory bandwidth, GB/s
  double gflops = 0.0;  // FP32 without tensor cores, GFLOP/s
};

inline bool gpu_present() {
  int count = 0;
  return cudaGetDeviceCount(&count) == cudaSuccess && count > 0;
}

inline GpuPeaks detect_gpu_peaks() {
  GpuPeaks p;
  cudaDeviceProp prop{};
  int dev = 0, mem_khz = 0, bus_bits = 0, sm_khz = 0;
  cudaGetDevice(&dev);
  cudaGetDeviceProperties(&prop, dev);
  cudaDeviceGetAttribute(&mem_khz, cudaDevAttrMemoryClockRate, dev);
  cudaDeviceGetAttribute(&bus_bits, cudaDevAttrGlobalMemoryBusWidth, dev);
  cudaDeviceGetAttribute(&sm_khz, cudaDevAttrClockRate, dev);
  const std::string name = prop.name;
  const bool h100 = name.find("H100") != std::string::npos;
  if (h100 && (name.find("PCIe") != std::string::npos || (mem_khz > 0 && mem_khz < 2000000))) {
    p = {name + " (as H100 PCIe)", 2000.0, 51000.0};
  } else if (h100) {
    p = {name + " (as H100 SXM)", 3350.0, 67000.0};
  } else {
    p.name = name + " (peaks from its attributes)";
    p.gbs = 2.0 * mem_khz * 1e3 * bus_bits / 8.0 * 1e-9;
    p.gflops = prop.multiProcessorCount * 128.0 * 2.0 * sm_khz * 1e3 * 1e-9;
  }
  if (const char* env = std::getenv("UPRES_GPU_PEAK_GBS"); env && std::atof(env) > 0) p.gbs = std::atof(env);
  if (const char* env = std::getenv("UPRES_GPU_PEAK_GFLOPS"); env && std::atof(env) > 0)
    p.gflops = std::atof(env);
  return p;
}

inline const GpuPeaks& gpu_peaks() {
  static const GpuPeaks p = detect_gpu_peaks();
  return p;
}

inline void print_gpu_peaks() {
  const GpuPeaks& p = gpu_peaks();
  std::printf("GPU: %s; peaks used: %.0f GB/s, %.0f GFLOP/s FP32\n", p.name.c_str(), p.gbs, p.gflops);
}

}  // namespace upres::bench
