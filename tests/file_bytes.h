#pragma once
// Bytes of the files the loader tests and the fuzz seed corpora write: IDX's big-endian and
// zip's little-endian integers, .npy arrays as numpy writes them, and zlib-compressed data as gzip
// and zip writers make it: one gzip member (windowBits 15 + 16) or raw deflate as zip entries
// hold it (-15).
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

inline QByteArray be32(quint32 v) {
    QByteArray b(4, 0);
    for (int i = 0; i < 4; ++i) b[i] = static_cast<char>((v >> (24 - 8 * i)) & 0xff);
    return b;
}
inline QByteArray le16(quint16 v) { return QByteArray(1, char(v & 0xff)) + QByteArray(1, char(v >> 8)); }
inline QByteArray le32(quint32 v) { return le16(quint16(v & 0xffff)) + le16(quint16(v >> 16)); }

// A .npy array as numpy writes it: header dict padded so the data starts on a 64-byte boundary.
inline QByteArray npy(const QByteArray& descr, const QByteArray& shape, const QByteArray& data, int version = 1,
                      const QByteArray& fortran = "False") {
    QByteArray header = "{'descr': '" + descr + "', 'fortran_order': " + fortran + ", 'shape': " + shape + ", }";
    const int pre = version == 1 ? 10 : 12;
    while ((pre + header.size() + 1) % 64) header += ' ';
    header += '\n';
    const QByteArray len = version == 1 ? le16(quint16(header.size())) : le32(quint32(header.size()));
    return QByteArray("\x93NUMPY", 6) + char(version) + char(0) + len + header + data;
}
