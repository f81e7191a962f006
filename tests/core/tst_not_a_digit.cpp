// The "not a digit" class (core/not_a_digit.h, core/predict.h): the generator is reproducible and
// draws what each kind says, the answer splits an 11-output softmax into the digits'
// probabilities and a not-a-digit score, a 10-output model never says "not a digit" except for an
// empty picture, validate() knows the 11th output, and the trainer mixes fresh non-digits into
// every epoch so that a small 11-output network learns to tell them from MNIST digits.
#include "mnist_fixture.h"
#include "model_io.h"
#include "not_a_digit.h"
#include "predict.h"
#include "presets.h"
#include "trainer.h"

#include <QTest>

#include <algorithm>
#include <numeric>

using namespace digit;

namespace {

double ink(const std::uint8_t* image) {
    double s = 0;
    for (int k = 0; k < 784; ++k) s += image[k];
    return s / 255.0;
}

ModelSpec small_mlp(int outputs) {
    ModelSpec m;
    m.input = Shape{784};
    m.layers = {LayerSpec::dense(64, Activation::Relu), LayerSpec::dense(outputs, Activation::Softmax)};
    return m;
}

TrainConfig adam(int epochs, float share) {
    TrainConfig t;
    t.optimizer = OptimizerConfig::defaults(OptimizerKind::Adam);
    t.loss.kind = LossKind::SparseCategoricalCrossentropy;
    t.batch_size = 64;
    t.epochs = epochs;
    t.seed = 3;
    t.not_a_digit_share = share;
    return t;
}

}  // namespace

class TestNotADigit : public QObject {
    Q_OBJECT
    MnistData data_;

private slots:
    void initTestCase() { QVERIFY2(test::loadMnist(data_), test::kMnistMissing); }

    void generatorIsReproducible() {
        const Dataset a = make_negatives(200, 42), b = make_negatives(200, 42), c = make_negatives(200, 43),
                      e = make_negatives(200, 42, NegativeSet::Evaluation);
        QCOMPARE(a.size(), std::size_t(200));
        QVERIFY(a.images == b.images);
        QVERIFY(a.images != c.images);
        QVERIFY(a.images != e.images);
        QVERIFY(std::all_of(a.labels.begin(), a.labels.end(), [](std::uint8_t l) { return l == kNotADigitLabel; }));
        // A prefix holds every kind, in the shares the header gives.
        double total = 0;
        for (NegativeKind k : all_negative_kinds()) {
            total += negative_kind_share(k);
            QVERIFY(negative_kind_share(k) > 0);
            bool seen = false;
            for (std::size_t i = 0; i < 20; ++i) seen = seen || negative_kind_of(i) == k;
            QVERIFY(seen);
        }
        QCOMPARE(total, 1.0);
    }

    void kindsDrawWhatTheySay() {
        const Dataset d = make_negatives(400, 7);
        int letters_inked = 0, letters = 0, empty_blank = 0, empties = 0;
        for (std::size_t i = 0; i < d.size(); ++i) {
            const double amount = ink(d.image(i));
            switch (negative_kind_of(i)) {
                case NegativeKind::Letter:
                    ++letters;
                    // A letter through the drawing pipeline: a 20x20 box's worth of strokes.
                    letters_inked += amount > 20 && amount < 300;
                    break;
                case NegativeKind::Empty:
                    ++empties;
                    empty_blank += amount == 0;
                    break;
                case NegativeKind::Blob:
                case NegativeKind::Shape:
                case NegativeKind::Scribble: QVERIFY2(amount > 5, qPrintable(QString("image %1").arg(i))); break;
                case NegativeKind::Noise: break;
            }
        }
        QCOMPARE(letters_inked, letters);
        // About half the empty canvases are blank, the rest hold a speck.
        QVERIFY(empty_blank > 0 && empty_blank < empties);
    }

    void alphabetLeavesOutDigitShapes() {
        for (char c : std::string("OoDIilSsZzBbGgq0123456789")) QVERIFY2(stroke_alphabet().find(c) == std::string::npos, &c);
        QVERIFY(stroke_alphabet().find('A') != std::string::npos);
    }

    void answerFromProbabilities() {
        // 11 outputs: the digits renormalised, the 11th the score.
        const Scalar sure_letter[11] = {0.02f, 0.01f, 0.01f, 0.01f, 0.06f, 0.01f, 0.01f, 0.01f, 0.01f, 0.05f, 0.80f};
        Prediction p = prediction_from_probabilities(sure_letter, 11, false);
        QVERIFY(p.model_knows_not_a_digit);
        QVERIFY(p.not_a_digit);
        QCOMPARE(p.not_a_digit_score, 0.80f);
        QCOMPARE(p.confidence, 0.80f);
        QCOMPARE(p.digit, 4);
        QVERIFY(std::abs(std::accumulate(p.probabilities.begin(), p.probabilities.end(), 0.0f) - 1.0f) < 1e-5f);
        QVERIFY(std::abs(p.probabilities[4] - 0.3f) < 1e-5f);  // 0.06 of the digits' 0.20

        const Scalar seven[11] = {0, 0, 0, 0, 0, 0, 0, 0.9f, 0, 0, 0.1f};
        p = prediction_from_probabilities(seven, 11, false);
        QVERIFY(!p.not_a_digit);
        QCOMPARE(p.digit, 7);
        QCOMPARE(p.confidence, 0.9f);  // the digit's share of all the answers
        QCOMPARE(p.probabilities[7], 1.0f);

        // 10 outputs: never "not a digit", however flat; an empty picture always is.
        Scalar flat[10];
        std::fill(flat, flat + 10, Scalar(0.1));
        p = prediction_from_probabilities(flat, 10, false);
        QVERIFY(!p.model_knows_not_a_digit);
        QVERIFY(!p.not_a_digit);
        QCOMPARE(p.not_a_digit_score, 0.0f);
        p = prediction_from_probabilities(flat, 10, true);
        QVERIFY(p.not_a_digit);
        QCOMPARE(p.confidence, 1.0f);
    }

    void validateKnowsTheEleventhOutput() {
        QVERIFY(validate(small_mlp(11), adam(1, 0.1f)).empty());
        QVERIFY(validate(small_mlp(11), adam(1, 0)).empty());
        auto problems = validate(small_mlp(10), adam(1, 0.1f));
        QCOMPARE(problems.size(), std::size_t(1));
        QCOMPARE(problems.front().code, ProblemCode::NotADigitNeedsOutput);
        problems = validate(small_mlp(11), adam(1, -0.5f));
        QCOMPARE(problems.front().code, ProblemCode::NotADigitShare);
        QCOMPARE(validate(small_mlp(12), adam(1, 0)).front().code, ProblemCode::OutputUnits);
        // Only best has the class; the tutorials keep 10 outputs and no non-digits.
        for (const Preset& p : presets()) {
            const bool best = p.name == "best";
            QCOMPARE(p.training.not_a_digit_share > 0, best);
            QCOMPARE(Network(p.model, 1).classes(), best ? 11 : 10);
        }
    }

    void trainerMixesNonDigitsIn() {
        // 2,000 digits and a share of 0.5: 1,000 fresh non-digits in every epoch.
        const Dataset train = data_.train.head(2000);
        Network net(small_mlp(11), 5);
        Trainer trainer(net, adam(3, 0.5f));
        const History h = trainer.fit(train);
        QCOMPARE(h.epochs.size(), std::size_t(3));
        QCOMPARE(h.batches.front().batches_per_epoch, (3000 + 63) / 64);

        // It has learnt the class: held-out non-digits (the evaluation variant) are mostly
        // answered "not a digit", test digits mostly not.
        const Dataset held_out = make_negatives(300, 99, NegativeSet::Evaluation);
        std::vector<std::size_t> order(held_out.size());
        std::iota(order.begin(), order.end(), 0);
        Matrix x;
        std::vector<int> labels;
        to_batch(held_out, order, 0, order.size(), x, labels);
        int flagged = 0;
        for (const Prediction& p : predict_rows(net, x)) flagged += p.not_a_digit;
        const Dataset digits = data_.test.head(300);
        to_batch(digits, order, 0, order.size(), x, labels);
        int digits_flagged = 0;
        for (const Prediction& p : predict_rows(net, x)) digits_flagged += p.not_a_digit;
        qInfo("small MLP, 3 epochs: %d of 300 non-digits and %d of 300 test digits answered \"not a digit\"", flagged,
              digits_flagged);
        QVERIFY(flagged > 200);
        QVERIFY(digits_flagged < 30);
        // Accuracy counts a digit answered "not a digit" as wrong: evaluate's accuracy is the
        // share of test digits whose argmax over all 11 outputs is their label.
        const EvalResult r = evaluate(net, digits, adam(1, 0).loss);
        const std::vector<int> all = argmax_rows(net.predict(x));
        int right = 0;
        for (std::size_t i = 0; i < all.size(); ++i) right += all[i] == digits.labels[i];
        QCOMPARE(r.accuracy, right / 300.0);
    }

    void modelFileKeepsTheShare() {
        Network net(find_preset("best")->model, 1);
        const ModelFile m = make_model_file(net, find_preset("best")->training, ModelInfo{});
        const ModelFile back = parse_model_setup(model_setup_text(m));
        QCOMPARE(back.training.not_a_digit_share, 0.1f);
        QVERIFY(back.training == m.training);
    }
};

QTEST_GUILESS_MAIN(TestNotADigit)
#include "tst_not_a_digit.moc"
