// runtime.cu - the first .cu file: device discovery and a smoke-test kernel.
#include "kernels/cuda/runtime.h"

#include <cuda_runtime.h>

#include <sstream>
#include <vector>

namespace upres::cuda {

namespace {
__global__ void fill_kernel(float* y, int n, float value) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) y[i] = value;
}
}  // namespace

int device_count() {
  int n = 0;
  if (cudaGetDeviceCount(&n) != cudaSuccess) {
    cudaGetLastError();  // clear the sticky "no device" error
    return 0;
  }
  return n;
}

std::string describe_device() {
  if (device_count() == 0) return "no CUDA device";
  cudaDeviceProp p{};
  if (cudaGetDeviceProperties(&p, 0) != cudaSuccess) return "CUDA device 0: properties unavailable";
  std::ostringstream os;
  os << p.name << ", sm_" << p.major << p.minor << ", " << p.multiProcessorCount << " SMs, "
     << (p.totalGlobalMem >> 20) << " MiB";
  return os.str();
}

bool smoke_test(int n) {
  if (device_count() == 0 || n <= 0) return false;
  float* d = nullptr;
  if (cudaMalloc(&d, n * sizeof(float)) != cudaSuccess) return false;
  fill_kernel<<<(n + 255) / 256, 256>>>(d, n, 3.5f);
  std::vector<float> h(n);
  bool ok = cudaMemcpy(h.data(), d, n * sizeof(float), cudaMemcpyDeviceToHost) == cudaSuccess;
  cudaFree(d);
  for (float v : h) ok = ok && v == 3.5f;
  return ok;
}

}  // namespace upres::cuda
