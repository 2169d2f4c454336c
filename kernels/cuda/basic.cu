// basic.cu - basic.cuh compiled by nvcc into upres::cuda.
#include "kernels/cuda/basic.cuh"
