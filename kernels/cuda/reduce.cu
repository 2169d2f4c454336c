// reduce.cu - reduce.cuh compiled by nvcc into upres::cuda.
#include "kernels/cuda/reduce.cuh"
