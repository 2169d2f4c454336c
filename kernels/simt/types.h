// types.h - the CUDA built-in types a kernel uses (dim3, uint3, float4, ...), for the simt emulator.
//
// When the CUDA toolkit's own headers were included first (vector_types.h), their definitions
// are used and nothing is declared here, so a file may include <cuda_runtime.h> and then
// kernels/simt/simt.h. Otherwise the emulator declares the subset kernels need, with the same
// layout and alignment as CUDA's (a float4 is 16-byte aligned, so vector loads keep their
// alignment rules under simt too).
#pragma once

#if !defined(__VECTOR_TYPES_H__)

struct uint3 {
  unsigned int x, y, z;
};

struct dim3 {
  unsigned int x, y, z;
  constexpr dim3(unsigned int vx = 1, unsigned int vy = 1, unsigned int vz = 1) : x(vx), y(vy), z(vz) {}
  constexpr dim3(uint3 v) : x(v.x), y(v.y), z(v.z) {}
  constexpr operator uint3() const { return uint3{x, y, z}; }
};

struct alignas(8) float2 { float x, y; };
struct float3 { float x, y, z; };
struct alignas(16) float4 { float x, y, z, w; };
struct alignas(8) int2 { int x, y; };
struct int3 { int x, y, z; };
struct alignas(16) int4 { int x, y, z, w; };
struct alignas(8) uint2 { unsigned int x, y; };
struct alignas(16) uint4 { unsigned int x, y, z, w; };

inline float2 make_float2(float x, float y) { return float2{x, y}; }
inline float3 make_float3(float x, float y, float z) { return float3{x, y, z}; }
inline float4 make_float4(float x, float y, float z, float w) { return float4{x, y, z, w}; }
inline int2 make_int2(int x, int y) { return int2{x, y}; }
inline int4 make_int4(int x, int y, int z, int w) { return int4{x, y, z, w}; }
inline uint3 make_uint3(unsigned int x, unsigned int y, unsigned int z) { return uint3{x, y, z}; }

#endif  // !__VECTOR_TYPES_H__
