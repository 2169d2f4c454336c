// shape.cu - shape.cuh compiled by nvcc into upres::cuda.
#include "kernels/cuda/shape.cuh"
