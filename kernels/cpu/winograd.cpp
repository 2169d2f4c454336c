// winograd.cpp - Winograd F(4x4, 3x3) and F(2x2, 5x5) convolution (see winograd.h).
//
// Data flow of one forward, for a block of kTiles output tiles of one image:
//   1. input transform   V[xi][ci][t] = (B^T d B)[xi] of tile t's a x a window of
//                        channel ci (from a zero-padded copy of the block's input window)
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
#include <type_traits>
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

// The transforms with their coefficients known at compile time: zeros dropped,
// +-1 turned into additions (B^T has 14 zeros and 10 entries +-1 among its 36).
// static_for<N>(f) calls f(std::integral_constant<int, i>) for i = 0 .. N-1, so a
// loop index can pick a row of coefficients; dot<Coef, N>(v, stride) is
// sum_j Coef::at(j) * v[j * stride], unrolled.
template <int N, int I = 0, typename F>
inline void static_for(F&& f) {
  if constexpr (I < N) {
    f(std::integral_constant<int, I>{});
    static_for<N, I + 1>(f);
  }
}

template <typename Coef, int N, int J = 0>
inline float dot(const float* v, int64_t stride) {
  constexpr float c = Coef::at(J);
  const float x = v[J * stride];
  if constexpr (J + 1 < N) {
    const float rest = dot<Coef, N, J + 1>(v, stride);
    if constexpr (c == 0.0f) return rest;
    else if constexpr (c == 1.0f) return x + rest;
    else if constexpr (c == -1.0f) return rest - x;
    else return c * x + rest;
  } else {
    if constexpr (c == 0.0f) return 0.0f;
    else if constexpr (c == 1.0f) return x;
    else if constexpr (c == -1.0f) return -x;
    else return c * x;
  }
}

template <typename T, int Row>
struct BTRow {  // B^T[Row][j]
  static constexpr float at(int j) { return T::BT[Row][j]; }
};
template <typename T, int Row>
struct ATRow {  // A^T[Row][b]
  static constexpr float at(int b) { return T::AT[Row][b]; }
};
template <typename T, int Col>
struct ATCol {  // A^T[u][Col]
  static constexpr float at(int u) { return T::AT[u][Col]; }
};

// The tiling of one problem: TH x TW tiles of m x m outputs, grouped in blocks of
// at most kTiles tiles - part of one tile row on wide images, else whole tile rows.
// Each task copies its block's input window, zero-padded where it leaves the
// image, into a small buffer (Hb x Wb per channel, ~1.5k floats): no padded copy
// of the whole input, whose size and page faults cost more than the copy itself.
template <int M, int R>
struct Tiling {
  static constexpr int A = M + R - 1;
  int64_t TH, TW, rows, cols, across, blocks, Hb, Wb;
  explicit Tiling(const kern::ConvShape& s) : TH((s.Hout + M - 1) / M), TW((s.Wout + M - 1) / M) {
    cols = std::min<int64_t>(TW, kTiles);
    rows = std::clamp<int64_t>(kTiles / cols, 1, TH);
    across = (TW + cols - 1) / cols;
    blocks = (TH + rows - 1) / rows * across;
    Hb = (rows - 1) * M + A, Wb = (cols - 1) * M + A;
  }
  struct Block {
    int64_t ty0, tx0;  // first tile
    int nr, nc;        // tiles down and across; lane l is tile (ty0 + l / nc, tx0 + l % nc)
    int tiles() const { return nr * nc; }
  };
  Block block(int64_t b) const {
    const int64_t ty0 = b / across * rows, tx0 = b % across * cols;
    return {ty0, tx0, static_cast<int>(std::min(rows, TH - ty0)), static_cast<int>(std::min(cols, TW - tx0))};
  }
  // Where each tile's window starts in the block's buffer, and its output's top-left.
  void offsets(const Block& b, int64_t* in, int64_t* out_y, int64_t* out_x) const {
    for (int l = 0; l < b.tiles(); ++l) {
      const int r = l / b.nc, c = l % b.nc;
      in[l] = r * M * Wb + c * M;
      out_y[l] = (b.ty0 + r) * M, out_x[l] = (b.tx0 + c) * M;
    }
  }
  // The block's input window of C channels of one image (xn: C x H x W) into
  // buf (C x Hb x Wb), zero where it lies outside the image.
  void load(const kern::ConvShape& s, const Block& b, const float* xn, int64_t C, float* buf) const {
    const int64_t y0 = b.ty0 * M - s.pad_h, x0 = b.tx0 * M - s.pad_w;
    const int64_t lo = std::clamp<int64_t>(-x0, 0, Wb), hi = std::clamp<int64_t>(s.W - x0, lo, Wb);
    for (int64_t ci = 0; ci < C; ++ci)
      for (int64_t r = 0; r < Hb; ++r) {
        float* dst = buf + (ci * Hb + r) * Wb;
        const int64_t y = y0 + r;
        if (y < 0 || y >= s.H) {
          std::fill(dst, dst + Wb, 0.0f);
          continue;
        }
        std::fill(dst, dst + lo, 0.0f);
        if (hi > lo) std::memcpy(dst + lo, xn + (ci * s.H + y) * s.W + x0 + lo, sizeof(float) * (hi - lo));
        std::fill(dst + hi, dst + Wb, 0.0f);
      }
  }
};

// 1. Input transform of one block: V[xi][ci][l] = (B^T d B)[xi] for the window
// of tile l in channel ci, for the C padded planes at xn (the block's window,
// off[l] = where tile l's window starts in a plane). Lanes are tiles.
template <int M, int R>
void input_transform(const float* xn, int64_t C, int64_t plane, int64_t Wp, const int64_t* off, int nt, float* V) {
  using T = Transform<M, R>;
  constexpr int A = T::A, AA = A * A;
  alignas(64) float d[AA][kTiles], tmp[AA][kTiles];
  for (int64_t ci = 0; ci < C; ++ci) {
    const float* xc = xn + ci * plane;
    for (int i = 0; i < A; ++i)
      for (int j = 0; j < A; ++j) {
        const float* src = xc + i * Wp + j;
        float* dst = d[i * A + j];
#pragma omp simd
        for (int l = 0; l < nt; ++l) dst[l] = src[off[l]];
      }
    for (int i = 0; i < A; ++i)  // tmp = d B: tmp[i][b] = sum_j d[i][j] BT[b][j]
      static_for<A>([&](auto b) {
        float* dst = tmp[i * A + b];
#pragma omp simd
        for (int l = 0; l < nt; ++l) dst[l] = dot<BTRow<T, decltype(b)::value>, A>(&d[i * A][l], kTiles);
      });
    static_for<A>([&](auto a) {  // V = B^T tmp: V[a][b] = sum_i BT[a][i] tmp[i][b]
      for (int b = 0; b < A; ++b) {
        float* v = V + ((a * A + b) * C + ci) * kTiles;
#pragma omp simd
        for (int l = 0; l < nt; ++l) v[l] = dot<BTRow<T, decltype(a)::value>, A>(&tmp[b][l], A * kTiles);
      }
    });
  }
}

template <int M, int R>
void forward_impl(const kern::Context& ctx, const kern::ConvShape& s, const float* x, const float* w,
                  const float* bias, float* y) {
  using T = Transform<M, R>;
  constexpr int A = T::A, AA = A * A;
  const int64_t Cin = s.Cin, Cout = s.Cout, Hout = s.Hout, Wout = s.Wout;
  const Tiling<M, R> tl(s);

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

  const int64_t window = Cin * tl.Hb * tl.Wb;
  run_tasks(ctx, s.N * tl.blocks, AA * (Cin + Cout) * kTiles + window, [&](int64_t task, const kern::Context& c,
                                                                          float* buf) {
    const int64_t n = task / tl.blocks;
    const typename Tiling<M, R>::Block blk = tl.block(task % tl.blocks);
    const int nt = blk.tiles();
    float* V = buf;                       // [AA][Cin][kTiles]
    float* Mx = buf + AA * Cin * kTiles;  // [AA][Cout][kTiles]
    float* win = Mx + AA * Cout * kTiles; // [Cin][Hb][Wb]
    int64_t off[kTiles], oy[kTiles], ox[kTiles];
    tl.offsets(blk, off, oy, ox);
    tl.load(s, blk, x + n * Cin * s.H * s.W, Cin, win);
    input_transform<M, R>(win, Cin, tl.Hb * tl.Wb, tl.Wb, off, nt, V);

    // 2. The a^2 products over channels.
    for (int xi = 0; xi < AA; ++xi)
      gemm(c, false, false, Cout, nt, Cin, 1.0f, U.data() + xi * Cout * Cin, Cin, V + xi * Cin * kTiles, kTiles,
           0.0f, Mx + xi * Cout * kTiles, kTiles);

    // 3. Output transform, channel by channel: Y = A^T Mx A + bias.
    alignas(64) float tmp[A * M][kTiles], out[M * M][kTiles];
    for (int64_t co = 0; co < Cout; ++co) {
      static_for<M>([&](auto v) {  // tmp[a][v] = sum_b Mx[a][b] AT[v][b]
        for (int a = 0; a < A; ++a) {
          const float* src = Mx + (a * A * Cout + co) * kTiles;
          float* dst = tmp[a * M + v];
#pragma omp simd
          for (int l = 0; l < nt; ++l) dst[l] = dot<ATRow<T, decltype(v)::value>, A>(src + l, Cout * kTiles);
        }
      });
      const float b0 = bias ? bias[co] : 0.0f;
      static_for<M>([&](auto u) {  // out[u][v] = sum_a AT[u][a] tmp[a][v]
        for (int v = 0; v < M; ++v) {
          float* dst = out[u * M + v];
#pragma omp simd
          for (int l = 0; l < nt; ++l) dst[l] = dot<ATRow<T, decltype(u)::value>, A>(&tmp[v][l], M * kTiles) + b0;
        }
      });
      float* yc = y + (n * Cout + co) * Hout * Wout;
      for (int l = 0; l < nt; ++l) {
        const int64_t rows = std::min<int64_t>(M, Hout - oy[l]), cols = std::min<int64_t>(M, Wout - ox[l]);
        for (int64_t u = 0; u < rows; ++u)
          for (int64_t v = 0; v < cols; ++v) yc[(oy[l] + u) * Wout + ox[l] + v] = out[u * M + v][l];
      }
    }
  });
}

// dw through the same transforms: Y = A^T (U . V) A is linear in U, so
//   dL/dU[xi] = sum over tiles of (A dY A^T)[xi] . V[xi]   (a^2 GEMMs over tiles)
//   dL/dg     = G^T (dL/dU) G                             (per filter, in double)
// Each thread sums its blocks into a private dU (run_tasks_summed, parallel.h),
// then the copies are added.
template <int M, int R>
void backward_weight_impl(const kern::Context& ctx, const kern::ConvShape& s, const float* x, const float* dy,
                          float* dw) {
  using T = Transform<M, R>;
  constexpr int A = T::A, AA = A * A;
  const int64_t Cin = s.Cin, Cout = s.Cout, Hout = s.Hout, Wout = s.Wout, usize = AA * Cout * Cin;
  const Tiling<M, R> tl(s);
  const int64_t tasks = s.N * tl.blocks, window = Cin * tl.Hb * tl.Wb;

  auto task = [&](int64_t t, const kern::Context& c, float* buf, float* acc) {
    const int64_t n = t / tl.blocks;
    const typename Tiling<M, R>::Block blk = tl.block(t % tl.blocks);
    const int nt = blk.tiles();
    float* V = buf;                       // [AA][Cin][kTiles]
    float* Gy = buf + AA * Cin * kTiles;  // [AA][Cout][kTiles]: A dY A^T
    float* win = Gy + AA * Cout * kTiles; // [Cin][Hb][Wb]
    int64_t off[kTiles], oy[kTiles], ox[kTiles];
    tl.offsets(blk, off, oy, ox);
    tl.load(s, blk, x + n * Cin * s.H * s.W, Cin, win);
    input_transform<M, R>(win, Cin, tl.Hb * tl.Wb, tl.Wb, off, nt, V);
    alignas(64) float g[M * M][kTiles], tmp[A * M][kTiles];
    for (int64_t co = 0; co < Cout; ++co) {
      const float* dyc = dy + (n * Cout + co) * Hout * Wout;
      for (int l = 0; l < nt; ++l)  // the m x m tile of dY, zero past the image's edge
        for (int u = 0; u < M; ++u)
          for (int v = 0; v < M; ++v)
            g[u * M + v][l] = oy[l] + u < Hout && ox[l] + v < Wout ? dyc[(oy[l] + u) * Wout + ox[l] + v] : 0.0f;
      static_for<A>([&](auto a) {  // tmp[a][v] = sum_u AT[u][a] g[u][v]
        for (int v = 0; v < M; ++v) {
          float* dst = tmp[a * M + v];
#pragma omp simd
          for (int l = 0; l < nt; ++l) dst[l] = dot<ATCol<T, decltype(a)::value>, M>(&g[v][l], M * kTiles);
        }
      });
      static_for<A>([&](auto b) {  // Gy[a][b] = sum_v tmp[a][v] AT[v][b]
        for (int a = 0; a < A; ++a) {
          float* dst = Gy + ((a * A + b) * Cout + co) * kTiles;
#pragma omp simd
          for (int l = 0; l < nt; ++l) dst[l] = dot<ATCol<T, decltype(b)::value>, M>(&tmp[a * M][l], kTiles);
        }
      });
    }
    for (int xi = 0; xi < AA; ++xi)  // dU[xi] (Cout x Cin) += Gy[xi] (Cout x nt) V[xi]^T (nt x Cin)
      gemm(c, false, true, Cout, Cin, nt, 1.0f, Gy + xi * Cout * kTiles, kTiles, V + xi * Cin * kTiles, kTiles, 1.0f,
           acc + xi * Cout * Cin, Cin);
  };
  const std::vector<float> dU = run_tasks_summed(ctx, tasks, AA * (Cin + Cout) * kTiles + window, usize, task);
  const int64_t copies = static_cast<int64_t>(dU.size()) / usize;
  // dw[co][ci] = G^T (sum of the copies of dU) G, in double.
  parallel_for(ctx, Cout * Cin, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i) {
      double u[AA];
      for (int xi = 0; xi < AA; ++xi) {
        double sum = 0;
        for (int64_t c = 0; c < copies; ++c) sum += dU[static_cast<size_t>(c * usize + xi * Cout * Cin + i)];
        u[xi] = sum;
      }
      for (int j = 0; j < R; ++j)
        for (int k = 0; k < R; ++k) {
          double acc = 0;
          for (int a = 0; a < A; ++a)
            for (int b = 0; b < A; ++b) acc += T::G[a][j] * u[a * A + b] * T::G[b][k];
          dw[i * R * R + j * R + k] = static_cast<float>(acc);
        }
    }
  }, 64);
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

void conv2d_backward_weight_winograd(const kern::Context& ctx, const kern::ConvShape& s, const float* x,
                                     const float* dy, float* dw) {
  if (s.KH == 3) backward_weight_impl<4, 3>(ctx, s, x, dy, dw);
  else backward_weight_impl<2, 5>(ctx, s, x, dy, dw);
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
