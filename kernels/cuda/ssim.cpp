// ssim.cpp - ssim.cuh compiled by the host compiler into upres::simt (run by the emulator).
#include "kernels/cuda/ssim.cuh"
