// tv.cu - tv.cuh compiled by nvcc into upres::cuda.
#include "kernels/cuda/tv.cuh"
