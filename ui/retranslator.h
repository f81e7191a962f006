#pragma once
// Texts that follow the interface language while the app runs: each setter runs once when added
// and again on every QEvent::LanguageChange (a widget's changeEvent calls apply()). The setters
// capture the widget's own children, so they live exactly as long as the widget.
#include <functional>
#include <utility>
#include <vector>

namespace digit::ui {

class Retranslator {
public:
    void add(std::function<void()> setText) {
        setText();
        setters_.push_back(std::move(setText));
    }
    void apply() const {
        for (const auto& f : setters_) f();
    }

private:
    std::vector<std::function<void()>> setters_;
};

}  // namespace digit::ui
