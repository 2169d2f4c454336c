// tv.cpp - tv.cuh compiled by the host compiler into upres::simt (run by the emulator).
#include "kernels/cuda/tv.cuh"
