#pragma once
// Compressed bytes for the loader tests and the fuzz seed corpora, written with zlib as gzip and
// zip writers do: one gzip member (windowBits 15 + 16) or raw deflate as zip entries hold it (-15).
#include <QByteArray>

#include <zlib.h>

inline QByteArray deflate_with(const QByteArray& raw, int window_bits, int level = 6) {
    z_stream z{};
    deflateInit2(&z, level, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY);
    QByteArray out(qsizetype(deflateBound(&z, uLong(raw.size()))) + 64, 0);
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(raw.data()));
    z.avail_in = uInt(raw.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = uInt(out.size());
    deflate(&z, Z_FINISH);
    out.resize(qsizetype(z.total_out));
    deflateEnd(&z);
    return out;
}

inline QByteArray gzip(const QByteArray& raw, int level = 6) { return deflate_with(raw, 15 + 16, level); }
