// winograd.cpp - Winograd F(4x4, 3x3) and F(2x2, 5x5) convolution (see winograd.h).
//
// Data flow of one forward, for a block of kTiles output tiles of one image:
//   1. input transform   V[xi][ci][t] = (B^T d B)[xi] of tile t's a x a window of
//                        channel ci (from a zero-padded copy of x, so no bounds checks)
//   2. a^2 GEMMs         Mx[xi] (Cout x tiles) = U[xi] (Cout x Cin) * V[xi] (Cin x tiles)
//   3. output transform  y tile = A^T Mx A + bias, cut at the image's edge
// U[xi] = (G g G^T)[xi] is computed once per call, in double.
// Steps 1 and 3 run over the tiles of the block as SIMD lanes (`omp simd`), so
// their O(a^3) arithmetic per channel and tile stays small beside step 2.
//
// Napkin math, 3x3 64 -> 64 on 512 x 512 (VDSR's layer at x2): 19.3 GFLOP
// direct; Winograd's GEMMs 4.8 GFLOP, the transforms ~1 GFLOP of vector work.
#include "kernels/cpu/winograd.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "kernels/cpu/gemm.h"
#include "kernels/cpu/parallel.h"

namespace upres::cpu {

namespace {

// The transform matrices (kernels/cpu/make_winograd.py: Cook-Toom with the
// points 0, 1, -1, 2, -2 and infinity).
template <int M, int R>
struct Transform;

template <>
struct Transform<4, 3> {
  static constexpr int A = 6;
  static constexpr float AT[4][6] = {
      {1, 1, 1, 1, 1, 0}, {0, 1, -1, 2, -2, 0}, {0, 1, 1, 4, 4, 0}, {0, 1, -1, 8, -8, 1}};
  static constexpr double G[6][3] = {{1.0 / 4, 0, 0},
                                     {-1.0 / 6, -1.0 / 6, -1.0 / 6},
                                     {-1.0 / 6, 1.0 / 6, -1.0 / 6},
                                     {1.0 / 24, 1.0 / 12, 1.0 / 6},
                                     {1.0 / 24, -1.0 / 12, 1.0 / 6},
                                     {0, 0, 1}};
  static constexpr float BT[6][6] = {{4, 0, -5, 0, 1, 0},  {0, -4, -4, 1, 1, 0}, {0, 4, -4, -1, 1, 0},
                                     {0, -2, -1, 2, 1, 0}, {0, 2, -1, -2, 1, 0}, {0, 4, 0, -5, 0, 1}};
};

template <>
struct Transform<2, 5> {
  static constexpr int A = 6;
  static constexpr float AT[2][6] = {{1, 1, 1, 1, 1, 0}, {0, 1, -1, 2, -2, 1}};
  static constexpr double G[6][5] = {{1.0 / 4, 0, 0, 0, 0},
                                     {-1.0 / 6, -1.0 / 6, -1.0 / 6, -1.0 / 6, -1.0 / 6},
                                     {-1.0 / 6, 1.0 / 6, -1.0 / 6, 1.0 / 6, -1.0 / 6},
                                     {1.0 / 24, 1.0 / 12, 1.0 / 6, 1.0 / 3, 2.0 / 3},
                                     {1.0 / 24, -1.0 / 12, 1.0 / 6, -1.0 / 3, 2.0 / 3},
                                     {0, 0, 0, 0, 1}};
  static constexpr float BT[6][6] = {{4, 0, -5, 0, 1, 0},  {0, -4, -4, 1, 1, 0}, {0, 4, -4, -1, 1, 0},
                                     {0, -2, -1, 2, 1, 0}, {0, 2, -1, -2, 1, 0}, {0, 4, 0, -5, 0, 1}};
};

// Tiles per block: the N of the a^2 GEMMs. V and Mx of a block take
// a^2 (Cin + Cout) kTiles floats: 1.2 MB for 64 -> 64, about one L2.
constexpr int kTiles = 64;

template <int M, int R>
void forward_impl(const kern::Context& ctx, const kern::ConvShape& s, const float* x, const float* w,
                  const float* bias, float* y) {
  using T = Transform<M, R>;
  constexpr int A = T::A, AA = A * A;
  const int64_t Cin = s.Cin, Cout = s.Cout, H = s.H, W = s.W, Hout = s.Hout, Wout = s.Wout;
  const int64_t TH = (Hout + M - 1) / M, TW = (Wout + M - 1) / M, tiles = TH * TW;

  // 0. x zero-padded to cover every tile's window: rows and columns [pad, pad + H/W) hold x.
  const int64_t Hp = TH * M + R - 1, Wp = TW * M + R - 1, plane = Hp * Wp;
  std::vector<float> xp(static_cast<size_t>(s.N * Cin * plane), 0.0f);
  parallel_for(ctx, s.N * Cin * H, [&](int64_t lo, int64_t hi) {
    for (int64_t r = lo; r < hi; ++r) {
      const int64_t nc = r / H, h = r % H;
      std::memcpy(xp.data() + nc * plane + (h + s.pad_h) * Wp + s.pad_w, x + r * W, sizeof(float) * W);
    }
  }, 256);

  // U[xi][co][ci] = G g G^T of filter (co, ci), in double, rounded once.
  std::vector<float> U(static_cast<size_t>(AA * Cout * Cin));
  parallel_for(ctx, Cout * Cin, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i) {
      const float* g = w + i * R * R;
      double Gg[A][R];  // G g
      for (int a = 0; a < A; ++a)
        for (int k = 0; k < R; ++k) {
          double acc = 0;
          for (int j = 0; j < R; ++j) acc += T::G[a][j] * g[j * R + k];
          Gg[a][k] = acc;
        }
      for (int a = 0; a < A; ++a)
        for (int b = 0; b < A; ++b) {
          double acc = 0;
          for (int k = 0; k < R; ++k) acc += Gg[a][k] * T::G[b][k];
          U[static_cast<size_t>((a * A + b) * Cout * Cin + i)] = static_cast<float>(acc);
        }
    }
  }, 64);

  const int64_t blocks = (tiles + kTiles - 1) / kTiles;
  run_tasks(ctx, s.N * blocks, AA * (Cin + Cout) * kTiles, [&](int64_t task, const kern::Context& c, float* buf) {
    const int64_t n = task / blocks, t0 = (task % blocks) * kTiles;
    const int nt = static_cast<int>(std::min<int64_t>(kTiles, tiles - t0));
    float* V = buf;                         // [AA][Cin][kTiles]
    float* Mx = buf + AA * Cin * kTiles;    // [AA][Cout][kTiles]
    alignas(64) float d[AA][kTiles], tmp[AA][kTiles];
    int64_t off[kTiles];  // where each tile's window starts in a padded plane
    for (int l = 0; l < nt; ++l) off[l] = ((t0 + l) / TW) * M * Wp + ((t0 + l) % TW) * M;

    // 1. Input transform, channel by channel: V = B^T d B.
    const float* xn = xp.data() + n * Cin * plane;
    for (int64_t ci = 0; ci < Cin; ++ci) {
      const float* xc = xn + ci * plane;
      for (int i = 0; i < A; ++i)
        for (int j = 0; j < A; ++j) {
          const float* src = xc + i * Wp + j;
          float* dst = d[i * A + j];
#pragma omp simd
          for (int l = 0; l < nt; ++l) dst[l] = src[off[l]];
        }
      for (int i = 0; i < A; ++i)  // tmp = d B: tmp[i][b] = sum_j d[i][j] BT[b][j]
        for (int b = 0; b < A; ++b) {
#pragma omp simd
          for (int l = 0; l < nt; ++l) {
            float acc = 0.0f;
            for (int j = 0; j < A; ++j) acc += T::BT[b][j] * d[i * A + j][l];
            tmp[i * A + b][l] = acc;
          }
        }
      for (int a = 0; a < A; ++a)  // V = B^T tmp: V[a][b] = sum_i BT[a][i] tmp[i][b]
        for (int b = 0; b < A; ++b) {
          float* v = V + ((a * A + b) * Cin + ci) * kTiles;
#pragma omp simd
          for (int l = 0; l < nt; ++l) {
            float acc = 0.0f;
            for (int i = 0; i < A; ++i) acc += T::BT[a][i] * tmp[i * A + b][l];
            v[l] = acc;
          }
        }
    }

    // 2. The a^2 products over channels.
    for (int xi = 0; xi < AA; ++xi)
      gemm(c, false, false, Cout, nt, Cin, 1.0f, U.data() + xi * Cout * Cin, Cin, V + xi * Cin * kTiles, kTiles,
           0.0f, Mx + xi * Cout * kTiles, kTiles);

    // 3. Output transform, channel by channel: Y = A^T Mx A + bias.
    for (int64_t co = 0; co < Cout; ++co) {
      for (int a = 0; a < A; ++a)  // tmp[a][v] = sum_b Mx[a][b] AT[v][b]
        for (int v = 0; v < M; ++v) {
#pragma omp simd
          for (int l = 0; l < nt; ++l) {
            float acc = 0.0f;
            for (int b = 0; b < A; ++b) acc += T::AT[v][b] * Mx[((a * A + b) * Cout + co) * kTiles + l];
            tmp[a * M + v][l] = acc;
          }
        }
      const float b0 = bias ? bias[co] : 0.0f;
      for (int u = 0; u < M; ++u)  // out[u][v] = sum_a AT[u][a] tmp[a][v], into d
        for (int v = 0; v < M; ++v) {
#pragma omp simd
          for (int l = 0; l < nt; ++l) {
            float acc = 0.0f;
            for (int a = 0; a < A; ++a) acc += T::AT[u][a] * tmp[a * M + v][l];
            d[u * M + v][l] = acc + b0;
          }
        }
      float* yc = y + (n * Cout + co) * Hout * Wout;
      for (int l = 0; l < nt; ++l) {
        const int64_t oy = ((t0 + l) / TW) * M, ox = ((t0 + l) % TW) * M;
        const int64_t rows = std::min<int64_t>(M, Hout - oy), cols = std::min<int64_t>(M, Wout - ox);
        for (int64_t u = 0; u < rows; ++u)
          for (int64_t v = 0; v < cols; ++v) yc[(oy + u) * Wout + ox + v] = d[u * M + v][l];
      }
    }
  });
}

}  // namespace

bool winograd_supports(const kern::ConvShape& s) {
  const bool square = s.KH == s.KW && (s.KH == 3 || s.KH == 5);
  return square && s.stride_h == 1 && s.stride_w == 1 && s.dilation_h == 1 && s.dilation_w == 1 &&
         s.groups == 1 && s.pad_h >= 0 && s.pad_w >= 0 && s.pad_h < s.KH && s.pad_w < s.KW && s.Hout > 0 &&
         s.Wout > 0 && s.N > 0 && s.Cin > 0 && s.Cout > 0;
}

bool winograd_applies(const kern::ConvShape& s) {
  return winograd_supports(s) && s.Cin >= 16 && s.Cout >= 16;
}

void conv2d_forward_winograd(const kern::Context& ctx, const kern::ConvShape& s, const float* x,
                             const float* w, const float* bias, float* y) {
  if (s.KH == 3) forward_impl<4, 3>(ctx, s, x, w, bias, y);
  else forward_impl<2, 5>(ctx, s, x, w, bias, y);
}

void conv2d_backward_data_winograd(const kern::Context& ctx, const kern::ConvShape& s, const float* dy,
                                   const float* w, float* dx) {
  const int64_t K = s.KH, KK = K * K;
  kern::ConvShape t = s;  // the transposed problem: dy -> dx
  t.Cin = s.Cout, t.Cout = s.Cin, t.H = s.Hout, t.W = s.Wout, t.Hout = s.H, t.Wout = s.W;
  t.pad_h = K - 1 - s.pad_h, t.pad_w = K - 1 - s.pad_w;
  std::vector<float> wt(static_cast<size_t>(s.Cin * s.Cout * KK));  // [Cin][Cout][K][K], flipped
  for (int64_t co = 0; co < s.Cout; ++co)
    for (int64_t ci = 0; ci < s.Cin; ++ci)
      for (int64_t k = 0; k < KK; ++k) wt[(ci * s.Cout + co) * KK + k] = w[(co * s.Cin + ci) * KK + (KK - 1 - k)];
  conv2d_forward_winograd(ctx, t, dy, wt.data(), nullptr, dx);
}

}  // namespace upres::cpu
