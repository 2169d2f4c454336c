// resize.cpp - resize.cuh compiled by the host compiler into upres::simt (run by the emulator).
#include "kernels/cuda/resize.cuh"
