// ssim.cu - ssim.cuh compiled by nvcc into upres::cuda.
#include "kernels/cuda/ssim.cuh"
