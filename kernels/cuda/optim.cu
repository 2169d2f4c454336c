// optim.cu - optim.cuh compiled by nvcc into upres::cuda.
#include "kernels/cuda/optim.cuh"
