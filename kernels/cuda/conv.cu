// conv.cu - conv.cuh compiled by nvcc into upres::cuda.
#include "kernels/cuda/conv.cuh"
