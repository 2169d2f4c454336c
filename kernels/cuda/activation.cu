// activation.cu - activation.cuh compiled by nvcc into upres::cuda.
#include "kernels/cuda/activation.cuh"
