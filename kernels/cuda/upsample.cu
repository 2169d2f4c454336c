// upsample.cu - upsample.cuh compiled by nvcc into upres::cuda.
#include "kernels/cuda/upsample.cuh"
