// shuffle.cu - shuffle.cuh compiled by nvcc into upres::cuda.
#include "kernels/cuda/shuffle.cuh"
