// elementwise.cu - elementwise.cuh compiled by nvcc into upres::cuda.
#include "kernels/cuda/elementwise.cuh"
