// host_device.h - UPRES_HOST_DEVICE marks a function of a shared header that both
// backends call: the CPU loops (g++; the simt emulator too, where "device" code is
// host code) and the CUDA kernels (nvcc). One definition, so both compute the same
// arithmetic in the same order.
#pragma once

#if defined(__CUDACC__)
#define UPRES_HOST_DEVICE __host__ __device__
#else
#define UPRES_HOST_DEVICE
#endif
