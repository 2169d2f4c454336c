// deflate.cpp - LZ77 with hash chains, per-block Huffman codes, the zlib wrapper (deflate.h).
#include "data/deflate.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <queue>

#include "engine/error.h"

namespace upres::data {
namespace {

constexpr std::size_t kWindow = 32768;     // the farthest a match may reach back
constexpr int kMinMatch = 3, kMaxMatch = 258;
constexpr int kHashBits = 15;
// Close to zlib's level 6, with a shorter chain (32 candidates per position, not 128:
// 40% less time on smooth images for about 3% larger files); a search stops at
// a match of 128 bytes, and only a match shorter than 16 is checked against the next position's.
constexpr int kMaxChain = 32, kNice = 128, kLazy = 16;
constexpr std::size_t kChunk = 1 << 16;    // input compressed per round
constexpr std::size_t kBlockSymbols = 1 << 15;

// RFC 1951, 3.2.5: length codes 257..285 and distance codes 0..29 as base + extra bits.
constexpr std::array<int, 29> kLengthBase = {3,  4,  5,  6,  7,  8,  9,  10, 11,  13,  15,  17,  19,  23, 27,
                                             31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
constexpr std::array<int, 29> kLengthExtra = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                              2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
constexpr std::array<int, 30> kDistBase = {1,    2,    3,    4,    5,    7,     9,     13,    17,  25,
                                           33,   49,   65,   97,   129,  193,   257,   385,   513, 769,
                                           1025, 1537, 2049, 3073, 4097, 6145,  8193,  12289, 16385, 24577};
constexpr std::array<int, 30> kDistExtra = {0, 0, 0, 0, 1, 1, 2, 2,  3,  3,  4,  4,  5,  5,  6,
                                            6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};
// The order in which the code-length code's lengths are sent (RFC 1951, 3.2.7).
constexpr std::array<int, 19> kClenOrder = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};

int length_code(int len) {  // index into kLengthBase (symbol - 257)
  int i = 28;
  while (kLengthBase[static_cast<std::size_t>(i)] > len) --i;
  return i;
}
int distance_code(int dist) {
  int i = 29;
  while (kDistBase[static_cast<std::size_t>(i)] > dist) --i;
  return i;
}

// How many of the first `limit` bytes of a and b agree, 8 at a time.
int common_prefix(const unsigned char* a, const unsigned char* b, int limit) {
  int n = 0;
  while (n + 8 <= limit) {
    std::uint64_t x, y;
    std::memcpy(&x, a + n, 8);
    std::memcpy(&y, b + n, 8);
    if (x != y) return n + __builtin_ctzll(x ^ y) / 8;  // little-endian: the first differing byte
    n += 8;
  }
  while (n < limit && a[n] == b[n]) ++n;
  return n;
}

std::uint32_t reverse_bits(std::uint32_t code, int len) {
  std::uint32_t r = 0;
  for (int i = 0; i < len; ++i) r |= ((code >> i) & 1u) << (len - 1 - i);
  return r;
}

// Canonical codes from lengths (RFC 1951, 3.2.2), bit-reversed for LSB-first packing.
std::vector<std::uint32_t> canonical_codes(const std::vector<int>& lengths) {
  int max_len = 0;
  for (int l : lengths) max_len = std::max(max_len, l);
  const auto top = static_cast<std::size_t>(max_len);
  std::vector<std::uint32_t> bl_count(top + 1, 0), next(top + 2, 0);
  for (int l : lengths)
    if (l > 0) ++bl_count[static_cast<std::size_t>(l)];
  std::uint32_t code = 0;
  for (int bits = 1; bits <= max_len; ++bits) {
    code = (code + bl_count[static_cast<std::size_t>(bits) - 1]) << 1;
    next[static_cast<std::size_t>(bits)] = code;
  }
  std::vector<std::uint32_t> codes(lengths.size(), 0);
  for (std::size_t s = 0; s < lengths.size(); ++s)
    if (lengths[s] > 0) codes[s] = reverse_bits(next[static_cast<std::size_t>(lengths[s])]++, lengths[s]);
  return codes;
}

// At least two symbols with a count, so that every code is complete (a lone
// symbol would get a 1-bit code with the other 1-bit pattern unused).
void ensure_two(std::vector<std::uint32_t>& counts) {
  int used = 0;
  for (std::uint32_t c : counts) used += c > 0;
  for (std::size_t s = 0; used < 2 && s < counts.size(); ++s)
    if (counts[s] == 0) counts[s] = 1, ++used;
}

}  // namespace

std::uint32_t adler32(const unsigned char* bytes, std::size_t n, std::uint32_t adler) {
  constexpr std::uint32_t kMod = 65521;  // the largest prime below 2^16
  std::uint32_t a = adler & 0xFFFF, b = adler >> 16;
  // 5552 bytes is the most that can be summed before b could overflow 32 bits.
  while (n > 0) {
    const std::size_t run = std::min<std::size_t>(n, 5552);
    for (std::size_t i = 0; i < run; ++i) {
      a += bytes[i];
      b += a;
    }
    a %= kMod;
    b %= kMod;
    bytes += run;
    n -= run;
  }
  return (b << 16) | a;
}

std::vector<int> huffman_code_lengths(const std::vector<std::uint32_t>& counts, int max_bits) {
  const std::size_t n = counts.size();
  std::vector<int> lengths(n, 0);
  std::vector<std::uint64_t> w(counts.begin(), counts.end());
  int used = 0;
  for (std::uint64_t c : w) used += c > 0;
  if (used == 0) return lengths;
  if (used == 1) {
    for (std::size_t s = 0; s < n; ++s)
      if (w[s] > 0) lengths[s] = 1;
    return lengths;
  }
  UPRES_CHECK(max_bits >= 1 && (std::uint64_t(1) << max_bits) >= static_cast<std::uint64_t>(used),
              "huffman_code_lengths: ", used, " symbols cannot have codes of at most ", max_bits, " bits");
  for (;;) {
    // Huffman's construction: merge the two lightest nodes until one is left.
    // Nodes 0..n-1 are the symbols, n.. the merged ones; ties go to the lower index.
    using Node = std::pair<std::uint64_t, std::size_t>;  // (weight, index)
    std::priority_queue<Node, std::vector<Node>, std::greater<Node>> heap;
    std::vector<std::size_t> parent(n, 0);
    parent.reserve(2 * n);
    for (std::size_t s = 0; s < n; ++s)
      if (w[s] > 0) heap.push({w[s], s});
    while (heap.size() > 1) {
      const Node a = heap.top();
      heap.pop();
      const Node b = heap.top();
      heap.pop();
      const std::size_t id = parent.size();
      parent.push_back(id);  // the root's own parent is itself until merged
      parent[a.second] = id;
      parent[b.second] = id;
      heap.push({a.first + b.first, id});
    }
    const std::size_t root = heap.top().second;
    int deepest = 0;
    for (std::size_t s = 0; s < n; ++s) {
      if (w[s] == 0) continue;
      int depth = 0;
      for (std::size_t v = s; v != root; v = parent[v]) ++depth;
      lengths[s] = depth;
      deepest = std::max(deepest, depth);
    }
    if (deepest <= max_bits) return lengths;
    // Too deep: flatten the weights (halve, keep >= 1) and build again; all-equal
    // weights give a balanced tree, so this ends.
    for (std::uint64_t& c : w)
      if (c > 0) c = (c + 1) / 2;
  }
}

ZlibCompressor::ZlibCompressor(Sink sink) : sink_(std::move(sink)) {
  UPRES_CHECK(static_cast<bool>(sink_), "ZlibCompressor: no sink");
  head_.assign(std::size_t(1) << kHashBits, -1);
  prev_.assign(kWindow, -1);
  out_ = {0x78, 0x9C};  // CMF: deflate, 32 KiB window; FLG: default level, 0x789C % 31 == 0
}

void ZlibCompressor::write(const unsigned char* bytes, std::size_t n) {
  UPRES_CHECK(!finished_, "ZlibCompressor: write after finish");
  adler_ = adler32(bytes, n, adler_);
  window_.insert(window_.end(), bytes, bytes + n);
  while (window_.size() - pending_from_ >= kChunk + kMaxMatch) compress_pending(false);
}

void ZlibCompressor::finish() {
  UPRES_CHECK(!finished_, "ZlibCompressor: finish called twice");
  compress_pending(true);
  emit_block(true);
  flush_bits();
  for (int k = 3; k >= 0; --k) out_.push_back(static_cast<unsigned char>(adler_ >> (8 * k)));
  sink_(out_.data(), out_.size());
  out_.clear();
  finished_ = true;
}

// LZ77 over window_[pending_from_, end): greedy with one step of lazy evaluation.
// Not final: stops kMaxMatch bytes short of the end (a match found there could
// grow with the next input); the rest waits for the next round.
void ZlibCompressor::compress_pending(bool final) {
  const unsigned char* w = window_.data();
  const std::size_t end = window_.size();
  const std::size_t stop = final ? end : std::min(end - kMaxMatch, pending_from_ + kChunk);
  auto pos_of = [&](std::size_t i) { return static_cast<std::int64_t>(window_base_ + i); };
  auto hash_at = [&](std::size_t i) {
    return ((static_cast<std::uint32_t>(w[i]) << 10) ^ (static_cast<std::uint32_t>(w[i + 1]) << 5) ^ w[i + 2]) &
           ((1u << kHashBits) - 1);
  };
  auto insert = [&](std::size_t i) {  // position i becomes the newest of its hash chain
    if (i + kMinMatch > end) return;
    const std::uint32_t h = hash_at(i);
    prev_[static_cast<std::size_t>(pos_of(i)) & (kWindow - 1)] = head_[h];
    head_[h] = pos_of(i);
  };
  // The longest match for position i among earlier positions (length 0 when < kMinMatch).
  auto longest = [&](std::size_t i, int& best_dist) {
    int best = 0;
    if (i + kMinMatch > end) return 0;
    const int limit = static_cast<int>(std::min<std::size_t>(kMaxMatch, end - i));
    const std::int64_t here = pos_of(i);
    std::int64_t cand = head_[hash_at(i)];
    for (int chain = 0; cand >= 0 && cand < here && here - cand <= static_cast<std::int64_t>(kWindow) &&
                        chain < kMaxChain;
         ++chain) {
      const unsigned char* a = w + i;
      const unsigned char* b = w + static_cast<std::size_t>(cand - static_cast<std::int64_t>(window_base_));
      if (b[best] == a[best]) {  // cannot beat `best` otherwise
        const int len = common_prefix(a, b, limit);
        if (len > best) {
          best = len;
          best_dist = static_cast<int>(here - cand);
          if (len >= std::min(limit, kNice)) break;
        }
      }
      const std::int64_t next = prev_[static_cast<std::size_t>(cand) & (kWindow - 1)];
      if (next >= cand) break;  // a slot reused by a newer position: the chain ends here
      cand = next;
    }
    return best >= kMinMatch ? best : 0;
  };
  auto literal = [&](std::size_t i) {
    symbols_.push_back(w[i]);
    if (symbols_.size() >= kBlockSymbols) emit_block(false);
  };
  auto match = [&](int len, int dist) {
    symbols_.push_back(static_cast<std::uint32_t>(len) << 16 | static_cast<std::uint32_t>(dist));
    if (symbols_.size() >= kBlockSymbols) emit_block(false);
  };

  // The match at i (length 0: none), then i joins its hash chain.
  auto find = [&](std::size_t i, int& dist) {
    const int len = longest(i, dist);
    insert(i);
    return len;
  };
  std::size_t i = pending_from_;
  while (i < stop) {
    int dist = 0;
    const int len = find(i, dist);
    if (len == 0) {
      literal(i++);
      continue;
    }
    if (len < kLazy && i + 1 < stop) {  // would the next position give a longer match?
      int dist1 = 0;
      const int len1 = find(i + 1, dist1);
      if (len1 > len) {  // yes: this byte goes as a literal, the next match is taken
        literal(i);
        match(len1, dist1);
        for (std::size_t k = i + 2; k < i + 1 + static_cast<std::size_t>(len1); ++k) insert(k);
        i += 1 + static_cast<std::size_t>(len1);
        continue;
      }
      match(len, dist);
      for (std::size_t k = i + 2; k < i + static_cast<std::size_t>(len); ++k) insert(k);
      i += static_cast<std::size_t>(len);
      continue;
    }
    match(len, dist);
    for (std::size_t k = i + 1; k < i + static_cast<std::size_t>(len); ++k) insert(k);
    i += static_cast<std::size_t>(len);
  }
  // A match may have run past `stop` (up to kMaxMatch bytes, all present): continue after it.
  pending_from_ = i;
  // Keep the last kWindow bytes before the first uncompressed one.
  if (pending_from_ > kWindow) {
    const std::size_t drop = pending_from_ - kWindow;
    window_.erase(window_.begin(), window_.begin() + static_cast<std::ptrdiff_t>(drop));
    window_base_ += drop;
    pending_from_ -= drop;
  }
}

void ZlibCompressor::put_bits(std::uint32_t value, int count) {
  bit_buffer_ |= static_cast<std::uint64_t>(value) << bit_count_;
  bit_count_ += count;
  while (bit_count_ >= 8) {
    out_.push_back(static_cast<unsigned char>(bit_buffer_ & 0xFF));
    bit_buffer_ >>= 8;
    bit_count_ -= 8;
  }
}

void ZlibCompressor::flush_bits() {  // pad the last byte with zeros
  if (bit_count_ > 0) put_bits(0, 8 - bit_count_);
}

// One dynamic-Huffman block of symbols_ (+ end of block), then hand the bytes to the sink.
void ZlibCompressor::emit_block(bool final) {
  std::vector<std::uint32_t> lit_count(286, 0), dist_count(30, 0);
  for (std::uint32_t s : symbols_) {
    const int len = static_cast<int>(s >> 16);
    if (len == 0) {
      ++lit_count[s];
    } else {
      ++lit_count[257 + static_cast<std::size_t>(length_code(len))];
      ++dist_count[static_cast<std::size_t>(distance_code(static_cast<int>(s & 0xFFFF)))];
    }
  }
  lit_count[256] = 1;  // end of block
  ensure_two(lit_count);
  ensure_two(dist_count);
  const std::vector<int> lit_len = huffman_code_lengths(lit_count, 15), dist_len = huffman_code_lengths(dist_count, 15);
  const std::vector<std::uint32_t> lit_code = canonical_codes(lit_len), dist_code = canonical_codes(dist_len);
  int hlit = 286, hdist = 30;
  while (hlit > 257 && lit_len[static_cast<std::size_t>(hlit) - 1] == 0) --hlit;
  while (hdist > 1 && dist_len[static_cast<std::size_t>(hdist) - 1] == 0) --hdist;

  // Both length lists as one sequence, run-length coded: (symbol, extra value).
  std::vector<int> all(lit_len.begin(), lit_len.begin() + hlit);
  all.insert(all.end(), dist_len.begin(), dist_len.begin() + hdist);
  std::vector<std::pair<int, int>> rle;
  for (std::size_t k = 0; k < all.size();) {
    const int v = all[k];
    std::size_t run = 1;
    while (k + run < all.size() && all[k + run] == v) ++run;
    k += run;
    if (v == 0) {
      while (run >= 11) {
        const int r = static_cast<int>(std::min<std::size_t>(run, 138));
        rle.push_back({18, r - 11});
        run -= static_cast<std::size_t>(r);
      }
      if (run >= 3) {
        rle.push_back({17, static_cast<int>(run) - 3});
        run = 0;
      }
    } else {
      rle.push_back({v, 0});
      --run;
      while (run >= 3) {
        const int r = static_cast<int>(std::min<std::size_t>(run, 6));
        rle.push_back({16, r - 3});
        run -= static_cast<std::size_t>(r);
      }
    }
    for (; run > 0; --run) rle.push_back({v, 0});
  }
  std::vector<std::uint32_t> clen_count(19, 0);
  for (const auto& [sym, extra] : rle) ++clen_count[static_cast<std::size_t>(sym)];
  ensure_two(clen_count);
  const std::vector<int> clen_len = huffman_code_lengths(clen_count, 7);
  const std::vector<std::uint32_t> clen_code = canonical_codes(clen_len);
  int hclen = 19;
  while (hclen > 4 && clen_len[static_cast<std::size_t>(kClenOrder[static_cast<std::size_t>(hclen) - 1])] == 0) --hclen;

  put_bits(final ? 1 : 0, 1);
  put_bits(2, 2);  // BTYPE 10: dynamic Huffman codes
  put_bits(static_cast<std::uint32_t>(hlit - 257), 5);
  put_bits(static_cast<std::uint32_t>(hdist - 1), 5);
  put_bits(static_cast<std::uint32_t>(hclen - 4), 4);
  for (int k = 0; k < hclen; ++k) {
    const auto sym = static_cast<std::size_t>(kClenOrder[static_cast<std::size_t>(k)]);
    put_bits(static_cast<std::uint32_t>(clen_len[sym]), 3);
  }
  for (const auto& [sym, extra] : rle) {
    const auto s = static_cast<std::size_t>(sym);
    put_bits(clen_code[s], clen_len[s]);
    if (sym == 16) put_bits(static_cast<std::uint32_t>(extra), 2);
    if (sym == 17) put_bits(static_cast<std::uint32_t>(extra), 3);
    if (sym == 18) put_bits(static_cast<std::uint32_t>(extra), 7);
  }
  for (std::uint32_t s : symbols_) {
    const int len = static_cast<int>(s >> 16);
    if (len == 0) {
      put_bits(lit_code[s], lit_len[s]);
      continue;
    }
    const int dist = static_cast<int>(s & 0xFFFF);
    const auto lc = static_cast<std::size_t>(length_code(len));
    put_bits(lit_code[257 + lc], lit_len[257 + lc]);
    put_bits(static_cast<std::uint32_t>(len - kLengthBase[lc]), kLengthExtra[lc]);
    const auto dc = static_cast<std::size_t>(distance_code(dist));
    put_bits(dist_code[dc], dist_len[dc]);
    put_bits(static_cast<std::uint32_t>(dist - kDistBase[dc]), kDistExtra[dc]);
  }
  put_bits(lit_code[256], lit_len[256]);
  symbols_.clear();
  if (!final && out_.size() >= kChunk) {  // (the final block's bytes go out in finish(), with the checksum)
    sink_(out_.data(), out_.size());
    out_.clear();
  }
}

}  // namespace upres::data
