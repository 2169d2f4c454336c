// color.cu - color.cuh compiled by nvcc into upres::cuda.
#include "kernels/cuda/color.cuh"
