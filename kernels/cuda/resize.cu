// resize.cu - resize.cuh compiled by nvcc into upres::cuda.
#include "kernels/cuda/resize.cuh"
