// pool.cu - pool.cuh compiled by nvcc into upres::cuda.
#include "kernels/cuda/pool.cuh"
