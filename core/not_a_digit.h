#pragma once
// Pictures that are not digits, drawn at random but reproducibly (a seed gives the same images on
// every machine): letters of a stroke alphabet, scribbles, shapes, blobs and dots, noise, and empty
// or nearly empty canvases. The `best` preset trains on them as an 11th class, "not a digit"
// (label 10), so that the Draw page, `digit-cli predict` and the photo path can answer "that is
// not a digit" instead of naming one; `digit-cli evaluate --not-a-digit` measures it on a set drawn
// with another seed and other parameters (NegativeSet::Evaluation).
//
// Each picture is drawn as the Draw page's canvas would hold it (light ink on black, a solid round
// pen, anti-aliased) and goes through preprocess_digit(), so the model sees it exactly as it
// would see a drawing. Letters that are also digit shapes (O, o, D, I, i, l, S, s, Z, z, B, b, G,
// g, q) are left out: a person who draws an "O" may well mean 0.
#include "dataset.h"
#include "preprocess.h"
#include "rng.h"

#include <cstdint>
#include <string>
#include <vector>

namespace digit {

// The label of the "not a digit" class: the 11th output of a network that has one.
inline constexpr int kNotADigitLabel = 10;

enum class NegativeKind {
    Letter,    // a letter or symbol of the stroke alphabet (A C E F H ... +, #, *, =)
    Scribble,  // a tangled curve, zigzag, hatching or cross-out
    Shape,     // square, triangle, star, heart, arrow, smiley, house, cross, wide ellipse, ...
    Blob,      // a filled blob, one dot, several dots, a thick dash
    Noise,     // random pixels over the canvas or a patch of it
    Empty,     // a blank canvas, or a faint speck
};

// Two versions of every kind. Training draws what the model learns from; Evaluation draws with
// other stroke widths, distortions, proportions and a few shapes training never shows, so the
// measurement is not taken on the training distribution.
enum class NegativeSet { Training, Evaluation };

const std::vector<NegativeKind>& all_negative_kinds();
std::string negative_kind_name(NegativeKind kind);  // "letter", "scribble", ...

// The letters and symbols of the stroke alphabet, one character each (for tests and reports).
const std::string& stroke_alphabet();

// One drawing of the kind: a square canvas (side 64 px), light ink on black (0 = background,
// 1 = full ink), before preprocessing.
GrayImage draw_negative(NegativeKind kind, Rng& rng, NegativeSet set = NegativeSet::Training);

// The drawing through preprocess_digit(): what the model sees (all zero when no ink survives).
MnistImage make_negative(NegativeKind kind, Rng& rng, NegativeSet set = NegativeSet::Training);

// The share of each kind in make_negatives(), summing to 1.
double negative_kind_share(NegativeKind kind);

// n model inputs labelled kNotADigitLabel, 28x28, kinds in negative_kind_share() proportions
// (kinds interleaved, so any prefix holds every kind). Image i depends only on (seed, i, set):
// the same on any machine and any number of threads.
Dataset make_negatives(std::size_t n, std::uint64_t seed, NegativeSet set = NegativeSet::Training);

// The kind of image i of make_negatives(n, ...), for reports by kind.
NegativeKind negative_kind_of(std::size_t i);

}  // namespace digit
