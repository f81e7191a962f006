#include "inside_page.h"

#include "digit_grid.h"
#include "embedding_worker.h"
#include "inside_views.h"
#include "not_a_digit.h"
#include "preprocess.h"
#include "session.h"

#include <QButtonGroup>
#include <QComboBox>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEvent>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QRadioButton>
#include <QScrollArea>
#include <QSplitter>
#include <QThread>
#include <QVBoxLayout>

#include <algorithm>

namespace digit::ui {

namespace {
QLabel* sectionTitle() {
    auto* l = new QLabel;
    QFont f = l->font();
    f.setBold(true);
    l->setFont(f);
    return l;
}

}  // namespace

InsidePage::InsidePage(Session* session, QWidget* parent) : QWidget(parent), session_(session) {
    heading_ = new QLabel;
    heading_->setWordWrap(true);

    strip_ = new LayerStrip;
    auto* stripArea = new QScrollArea;
    stripArea->setWidget(strip_);
    stripArea->setWidgetResizable(true);
    stripArea->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);

    learnedTitle_ = sectionTitle();
    tiles_ = new WeightTiles;
    histogram_ = new WeightHistogram;

    looksTitle_ = sectionTitle();
    gradient_ = new QRadioButton;
    gradientInput_ = new QRadioButton;
    occlusion_ = new QRadioButton;
    gradientInput_->setChecked(true);
    mapGroup_ = new QButtonGroup(this);
    mapGroup_->addButton(gradient_, static_cast<int>(MapKind::Gradient));
    mapGroup_->addButton(gradientInput_, static_cast<int>(MapKind::GradientTimesInput));
    mapGroup_->addButton(occlusion_, static_cast<int>(MapKind::Occlusion));
    digitLabel_ = new QLabel;
    digit_ = new QComboBox;
    digit_->addItem(QString());  // "predicted", worded in retranslate()
    for (int d = 0; d < 10; ++d) digit_->addItem(QString::number(d));
    digitLabel_->setBuddy(digit_);
    saliency_ = new SaliencyView;

    embeddingTitle_ = sectionTitle();
    embedding_ = new EmbeddingView;
    progress_ = new QProgressBar;
    progress_->setMaximumHeight(14);
    progress_->setTextVisible(false);
    progress_->hide();
    worker_ = new EmbeddingWorker(this);

    auto* learned = new QWidget;
    auto* learnedLayout = new QVBoxLayout(learned);
    learnedLayout->setContentsMargins(0, 0, 0, 0);
    learnedLayout->addWidget(learnedTitle_);
    learnedLayout->addWidget(tiles_, 3);
    learnedLayout->addWidget(histogram_, 2);

    auto* looks = new QWidget;
    auto* looksLayout = new QVBoxLayout(looks);
    looksLayout->setContentsMargins(0, 0, 0, 0);
    looksLayout->addWidget(looksTitle_);
    auto* switches = new QHBoxLayout;
    switches->addWidget(gradient_);
    switches->addWidget(gradientInput_);
    switches->addWidget(occlusion_);
    switches->addStretch();
    looksLayout->addLayout(switches);
    auto* digitRow = new QHBoxLayout;
    digitRow->addWidget(digitLabel_);
    digitRow->addWidget(digit_);
    digitRow->addStretch();
    looksLayout->addLayout(digitRow);
    looksLayout->addWidget(saliency_, 1);

    auto* embed = new QWidget;
    auto* embedLayout = new QVBoxLayout(embed);
    embedLayout->setContentsMargins(0, 0, 0, 0);
    embedLayout->addWidget(embeddingTitle_);
    embedLayout->addWidget(progress_);
    embedLayout->addWidget(embedding_, 1);

    auto* right = new QWidget;
    auto* grid = new QGridLayout(right);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->addWidget(learned, 0, 0);
    grid->addWidget(looks, 0, 1);
    grid->addWidget(embed, 1, 0, 1, 2);
    grid->setRowStretch(0, 1);
    grid->setRowStretch(1, 1);
    grid->setColumnStretch(0, 1);
    grid->setColumnStretch(1, 1);

    auto* splitter = new QSplitter(Qt::Horizontal);
    splitter->addWidget(stripArea);
    splitter->addWidget(right);
    splitter->setStretchFactor(0, 2);
    splitter->setStretchFactor(1, 3);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(heading_);
    layout->addWidget(splitter, 1);

    connect(strip_, &LayerStrip::layerSelected, this, &InsidePage::selectLayer);
    connect(mapGroup_, &QButtonGroup::idClicked, this, [this](int id) { setMapKind(static_cast<MapKind>(id)); });
    connect(digit_, &QComboBox::currentIndexChanged, this, [this](int i) { setExplainedDigit(i - 1); });
    connect(session_, &Session::modelChanged, this, &InsidePage::onModelChanged);
    connect(session_, &Session::dataLoaded, this, [this] {
        if (embeddingWanted_) startEmbedding();
    });
    connect(worker_, &EmbeddingWorker::progress, this, [this](int done, int total) {
        progress_->setMaximum(total);
        progress_->setValue(done);
        progress_->setVisible(done < total);
    });
    connect(worker_, &EmbeddingWorker::tsneProgress, this, [this](int iteration, int iterations) {
        progress_->setMaximum(iterations);
        progress_->setValue(iteration);
        progress_->setVisible(iteration < iterations);
    });
    connect(worker_, &EmbeddingWorker::picture, this, &InsidePage::onPicture);
    connect(worker_, &EmbeddingWorker::failed, this, [this](const QString& message) {
        progress_->hide();
        embedding_->setStatus(tr("The embedding could not be computed: %1").arg(message));
    });
    // Clicking a point opens that test image in the Errors page's detail view (whose "Look
    // Inside" comes back here with it); hovering shows its thumbnail.
    connect(embedding_, &EmbeddingView::imageActivated, this, &InsidePage::openTestImage);
    embedding_->setThumbnails([this](int index) {
        const MnistData* data = session_->data();
        if (!data || index < 0 || static_cast<std::size_t>(index) >= data->test.size()) return QImage();
        return mnistToImage(data->test.image(static_cast<std::size_t>(index)));
    });

    retranslate();
    onModelChanged();
}

InsidePage::~InsidePage() = default;

void InsidePage::retranslate() {
    learnedTitle_->setText(tr("What a layer learned"));
    looksTitle_->setText(tr("Where it looks"));
    gradient_->setText(tr("Gradient"));
    gradient_->setToolTip(tr("How much each pixel's change would move the digit's score"));
    gradientInput_->setText(tr("Gradient \u00d7 input"));
    gradientInput_->setToolTip(tr("The gradient where there is ink: what the ink drawn adds to the score"));
    occlusion_->setText(tr("Occlusion"));
    occlusion_->setToolTip(tr("How much the digit's probability drops when a 6x6 patch around a pixel is blanked"));
    digitLabel_->setText(tr("Explain &digit:"));
    digit_->setItemText(0, tr("predicted"));
    embeddingTitle_->setText(tr("The embedding of the test set"));
    if (!hasImage_)
        heading_->setText(tr("Draw a digit on the Draw page, or choose a test image in Errors, to look inside the network."));
    updateViews();
}

void InsidePage::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) retranslate();
    QWidget::changeEvent(event);
}

void InsidePage::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    embeddingWanted_ = true;
    if (!picture_ && !worker_->running()) startEmbedding();
}

void InsidePage::onModelChanged() {
    worker_->cancel();
    picture_.reset();
    embedding_->setPoints(Matrix(0, 2), {}, {});
    net_.reset();
    if (const ModelFile* file = session_->modelFile()) {
        try {
            net_ = network_from_file(*file);
        } catch (const std::exception&) {
            net_.reset();  // the session already refused what it could not build
        }
    }
    selected_ = -1;
    if (net_) {
        // Start on the first layer with weights to show.
        const auto& layers = net_->spec().layers;
        for (std::size_t i = 0; i < layers.size() && selected_ < 0; ++i)
            if (layers[i].kind == LayerKind::Conv2D || layers[i].kind == LayerKind::Dense) selected_ = static_cast<int>(i);
    }
    updateViews();
    updateLayerViews();
    if (embeddingWanted_) startEmbedding();
}

void InsidePage::setImage(const MnistImage& image, const QString& source) {
    image_ = image;
    hasImage_ = true;
    source_ = source;
    updateViews();
}

void InsidePage::setTestImage(int index) {
    const MnistData* data = session_->data();
    if (!data || index < 0 || static_cast<std::size_t>(index) >= data->test.size()) return;
    setImage(mnist_image(data->test.image(static_cast<std::size_t>(index))), tr("test image %1 (a %2)").arg(index).arg(data->test.labels[static_cast<std::size_t>(index)]));
}

void InsidePage::setMapKind(MapKind kind) {
    mapKind_ = kind;
    if (auto* b = mapGroup_->button(static_cast<int>(kind)); b && !b->isChecked()) b->setChecked(true);
    updateMap();
}

void InsidePage::setExplainedDigit(int digit) {
    explained_ = std::clamp(digit, -1, 9);
    if (digit_->currentIndex() != explained_ + 1) digit_->setCurrentIndex(explained_ + 1);
    updateMap();
}

void InsidePage::selectLayer(int index) {
    if (index == selected_) return;
    selected_ = index;
    strip_->setSelectedLayer(index);
    updateLayerViews();
}

void InsidePage::updateViews() {
    if (!net_ || !hasImage_ || net_->input_shape().size() != 784) {
        outputs_ = {};
        strip_->setLayers({});
        saliency_->setMap(Matrix(), Matrix(), QString());
        embedding_->setCurrent(false);
        return;
    }
    const Matrix x = Eigen::Map<const Eigen::Matrix<float, 1, 784>>(image_.data()).cast<Scalar>();
    outputs_ = forward_layers(*net_, x);
    const auto& spec = net_->spec().layers;
    std::vector<LayerStrip::LayerView> views;
    for (std::size_t i = 0; i < spec.size(); ++i) {
        LayerStrip::LayerView v;
        QString kind = QString::fromStdString(layer_kind_name(spec[i].kind));
        if ((spec[i].kind == LayerKind::Dense || spec[i].kind == LayerKind::Conv2D || spec[i].kind == LayerKind::Activation) &&
            spec[i].activation != Activation::Linear)
            kind += QStringLiteral(" (%1)").arg(QString::fromStdString(activation_name(spec[i].activation)));
        v.title = QStringLiteral("%1  %2  %3").arg(i + 1).arg(kind, QString::fromStdString(net_->layer_output_shapes()[i].to_string()));
        v.shape = net_->layer_output_shapes()[i].dims;
        v.values = outputs_.layers[i].row(0);
        v.probabilities = i + 1 == spec.size() && net_->ends_with_softmax();
        if (spec[i].kind == LayerKind::Dropout) v.note = tr("(off at inference: the values above)");
        else if (spec[i].kind == LayerKind::Flatten) v.note = tr("(the values above in one row)");
        views.push_back(std::move(v));
    }
    if (!net_->ends_with_softmax()) {
        // A logits model: its last layer gives scores; the probabilities are their softmax.
        LayerStrip::LayerView v;
        v.title = tr("Probabilities (the softmax of the scores above)");
        v.shape = {static_cast<int>(outputs_.probabilities.cols())};
        v.values = outputs_.probabilities.row(0);
        v.probabilities = true;
        views.push_back(std::move(v));
    }
    strip_->setLayers(std::move(views));
    strip_->setSelectedLayer(selected_);
    Eigen::Index top = 0;
    const float p = outputs_.probabilities.row(0).maxCoeff(&top);
    if (top == kNotADigitLabel)  // the 11th output of a model that has one
        heading_->setText(tr("Inside the model for %1: it says it is not a digit (%2%).").arg(source_).arg(QString::number(p * 100, 'f', 1)));
    else
        heading_->setText(tr("Inside the model for %1: it says %2 (%3%).").arg(source_).arg(top).arg(QString::number(p * 100, 'f', 1)));
    updateMap();
    updateCurrentPoint();
}

void InsidePage::updateMap() {
    if (!net_ || !hasImage_ || outputs_.probabilities.size() == 0) return;
    Eigen::Index predicted = 0;
    outputs_.probabilities.row(0).maxCoeff(&predicted);
    const int cls = explained_ >= 0 ? explained_ : static_cast<int>(predicted);
    const QString name = cls == kNotADigitLabel ? tr("not a digit") : QString::number(cls);
    const Matrix x = Eigen::Map<const Eigen::Matrix<float, 1, 784>>(image_.data()).cast<Scalar>();
    Matrix map;
    QString caption;
    if (mapKind_ == MapKind::Occlusion) {
        map = occlusion_map(*net_, x, 28, 28, cls, 6, 2);
        caption = tr("Occlusion: the drop in p(%1)").arg(name);
    } else {
        Matrix g = input_gradient(*net_, x, cls, GradientTarget::Score);
        if (mapKind_ == MapKind::GradientTimesInput) g = g.cwiseProduct(x);
        map = Eigen::Map<const Matrix>(g.data(), 28, 28);
        caption = mapKind_ == MapKind::Gradient ? tr("Gradient of the score of %1").arg(name)
                                                : tr("Gradient \u00d7 input for %1").arg(name);
    }
    saliency_->setMap(Eigen::Map<const Matrix>(x.data(), 28, 28), map, caption);
}

void InsidePage::updateLayerViews() {
    if (!net_) {
        tiles_->setTiles(QString(), {}, {});
        histogram_->setValues(QString(), {});
        return;
    }
    const auto& spec = net_->spec().layers;
    const auto& params = net_->parameters();
    auto kernelOf = [&](std::size_t i) -> std::vector<Scalar> {
        const auto offset = static_cast<std::ptrdiff_t>(parameterOffset(*net_, i));
        return {params.begin() + offset, params.begin() + offset + static_cast<std::ptrdiff_t>(kernelSize(*net_, i))};
    };
    // Which layer the tiles show: the selected one if it can be drawn as tiles, otherwise the
    // first Dense layer over the 28x28 input or the first Conv2D.
    int tileLayer = -1;
    std::vector<Matrix> tiles;
    if (selected_ >= 0) tiles = kernelTiles(*net_, static_cast<std::size_t>(selected_));
    if (!tiles.empty()) tileLayer = selected_;
    else if ((tileLayer = firstTileLayer(*net_)) >= 0) tiles = kernelTiles(*net_, static_cast<std::size_t>(tileLayer));
    QStringList captions;
    for (std::size_t t = 0; t < tiles.size(); ++t) captions << QString::number(t);
    QString title;
    if (tileLayer >= 0) {
        const auto i = static_cast<std::size_t>(tileLayer);
        const int units = spec[i].units;
        const int shown = static_cast<int>(tiles.size());
        if (spec[i].kind == LayerKind::Dense) {
            title = tr("Layer %1 (Dense): each unit's weights over the 28x28 input").arg(tileLayer + 1);
        } else {
            const int cin = (i == 0 ? net_->input_shape() : net_->layer_output_shapes()[i - 1]).dims.back();
            title = cin == 1 ? tr("Layer %1 (Conv2D): its %2 kernels").arg(tileLayer + 1).arg(units)
                             : tr("Layer %1 (Conv2D): its %2 kernels, mean over %3 input channels").arg(tileLayer + 1).arg(units).arg(cin);
        }
        if (shown < units) title += tr(" (the first %1)").arg(shown);
    } else {
        title = tr("No Conv2D or Dense layer over the image to draw as tiles");
    }
    tiles_->setTiles(title, tiles, captions);

    if (selected_ < 0) {
        histogram_->setValues(tr("Click a layer to see its weights"), {});
        return;
    }
    const auto s = static_cast<std::size_t>(selected_);
    const std::vector<Scalar> w = kernelOf(s);
    if (w.empty()) histogram_->setValues(tr("Layer %1 (%2) has no weights").arg(selected_ + 1).arg(QString::fromStdString(layer_kind_name(spec[s].kind))), {});
    else histogram_->setValues(tr("Layer %1 (%2): histogram of its %3 weights").arg(selected_ + 1).arg(QString::fromStdString(layer_kind_name(spec[s].kind))).arg(w.size()), w);
}

void InsidePage::startEmbedding() {
    picture_.reset();
    if (!session_->modelFile() || !net_ || net_->input_shape().size() != 784) {
        embedding_->setStatus(tr("No model"));
        return;
    }
    auto data = session_->sharedData();
    if (!data) {
        embedding_->setStatus(tr("Waiting for MNIST to load..."));
        return;
    }
    embedding_->setStatus(tr("Computing the penultimate layer of the 10,000 test images..."));
    progress_->setValue(0);
    progress_->show();
    worker_->start(*session_->modelFile(), data);
}

bool InsidePage::embeddingFinal() const { return picture_ && picture_->final; }

void InsidePage::onPicture(std::shared_ptr<const EmbeddingPicture> picture) {
    picture_ = std::move(picture);
    embedding_->setPoints(picture_->points, picture_->labels, picture_->predicted, picture_->indices);
    int mistakes = 0;
    for (std::size_t i = 0; i < picture_->labels.size(); ++i) mistakes += picture_->labels[i] != picture_->predicted[i];
    QString what;
    if (picture_->method == EmbeddingPicture::Method::Pca)
        what = tr("Layer %1, PCA to 2-D: %2 of %3 test images, %4 mistakes")
                   .arg(picture_->layer + 1)
                   .arg(picture_->done)
                   .arg(picture_->total)
                   .arg(mistakes);
    else if (!picture_->final)
        what = tr("Layer %1, t-SNE of %2 test images: iteration %3 of %4")
                   .arg(picture_->layer + 1)
                   .arg(QLocale().toString(qlonglong(picture_->points.rows())))
                   .arg(picture_->iteration)
                   .arg(picture_->iterations);
    else
        what = tr("Layer %1, t-SNE of %2 test images (the other %3 placed by their nearest neighbours), %4 mistakes")
                   .arg(picture_->layer + 1)
                   .arg(QLocale().toString(qlonglong(picture_->sample ? picture_->sample->rows() : 0)))
                   .arg(QLocale().toString(qlonglong(picture_->total - (picture_->sample ? picture_->sample->rows() : 0))))
                   .arg(mistakes);
    embedding_->setStatus(picture_->final ? what : what + QStringLiteral(" ..."));
    updateCurrentPoint();
}

void InsidePage::updateCurrentPoint() {
    if (!picture_ || outputs_.layers.size() <= picture_->layer) {
        embedding_->setCurrent(false);
        return;
    }
    const RowVector v = outputs_.layers[picture_->layer].row(0);
    if (picture_->method == EmbeddingPicture::Method::Tsne) {
        if (!picture_->sample || v.size() != picture_->sample->cols()) return embedding_->setCurrent(false);
        const Matrix p = tsne_place(*picture_->sample, picture_->sampleMap, Matrix(v), 5);
        embedding_->setCurrent(true, QPointF(p(0, 0), p(0, 1)));
        return;
    }
    if (v.size() != picture_->pca.mean.size()) return embedding_->setCurrent(false);
    const RowVector p = (v - picture_->pca.mean) * picture_->pca.components.transpose();
    embedding_->setCurrent(true, QPointF(p(0), p.size() > 1 ? p(1) : 0.0));
}

void InsidePage::prepareScreenshot() {
    embeddingWanted_ = true;
    if (!picture_ && !worker_->running()) startEmbedding();
    QElapsedTimer t;
    t.start();
    while (!embeddingFinal() && t.elapsed() < 60000) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
        QThread::msleep(20);
    }
}

}  // namespace digit::ui
