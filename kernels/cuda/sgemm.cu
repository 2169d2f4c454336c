// sgemm.cu - sgemm.cuh compiled by nvcc into upres::cuda.
#include "kernels/cuda/sgemm.cuh"
