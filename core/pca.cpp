#include "pca.h"

#include "errors.h"

#include <Eigen/Eigenvalues>

namespace digit {

Pca pca(const Matrix& x, int k) {
    const Eigen::Index n = x.rows(), d = x.cols();
    if (n < 2 || d < 1 || k < 1 || k > d)
        throw ConfigError("PCA of " + std::to_string(k) + " components asked of " + std::to_string(n) + " points in " +
                          std::to_string(d) + " dimensions");
    const Eigen::MatrixXd xd = x.cast<double>();
    const Eigen::RowVectorXd mean = xd.colwise().mean();
    const Eigen::MatrixXd centred = xd.rowwise() - mean;
    Eigen::MatrixXd cov = Eigen::MatrixXd::Zero(d, d);
    cov.selfadjointView<Eigen::Lower>().rankUpdate(centred.transpose());
    cov = cov.selfadjointView<Eigen::Lower>();
    cov /= static_cast<double>(n - 1);
    // Eigenvalues come in increasing order: the last k columns, reversed, are the components.
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(cov);
    Pca out;
    out.mean = mean.cast<Scalar>();
    out.components.resize(k, d);
    out.variances.resize(k);
    for (int c = 0; c < k; ++c) {
        Eigen::VectorXd v = eig.eigenvectors().col(d - 1 - c);
        Eigen::Index big = 0;
        v.cwiseAbs().maxCoeff(&big);
        if (v(big) < 0) v = -v;
        out.components.row(c) = v.transpose().cast<Scalar>();
        out.variances(c) = static_cast<Scalar>(std::max(0.0, eig.eigenvalues()(d - 1 - c)));
    }
    out.projected = (centred * out.components.cast<double>().transpose()).cast<Scalar>();
    return out;
}

}  // namespace digit
