// norm.cu - norm.cuh compiled by nvcc into upres::cuda.
#include "kernels/cuda/norm.cuh"
